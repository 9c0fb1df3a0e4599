import { defineAction } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { TencentError } from '../../../protocols/tencent/errors.ts';
import { StoreRefusal } from '../../../storage/store-refusal.ts';
import { assertValid, invalidValue } from '../params-rules.ts';
import { deleteProduct } from './store/products.ts';
import { isProductIdShape, productNotFound } from './validation.ts';

/** DeleteProduct: refused with UnauthorizedOperation.DevicesExistUnderProduct while the product has devices. */
export const DeleteProduct = defineAction({
  name: 'DeleteProduct',
  request: iotcloudSpec.actions.DeleteProduct.request,
  async handle(ctx, { ProductId, Skey }) {
    assertValid(Skey === undefined ? undefined : invalidValue('Skey', 'only LoRa products take it'));
    try {
      if (isProductIdShape(ProductId) && (await deleteProduct(ctx.store.db, ctx.accountId, ProductId))) return {};
    } catch (error) {
      if (error instanceof StoreRefusal && error.reason === 'has-devices') {
        throw new TencentError('UnauthorizedOperation.DevicesExistUnderProduct', { detail: `There are still devices under this product (ProductId: ${ProductId}).` });
      }
      throw error;
    }
    throw productNotFound(ProductId);
  },
});
