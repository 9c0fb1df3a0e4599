import { defineAction } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { TencentError } from '../../../protocols/tencent/errors.ts';
import { assertValid } from '../params-rules.ts';
import { checkDynamicRegister, productNotFound } from './validation.ts';
import { usableProductOf } from './product-access.ts';
import { openProductSecret, updateDynamicRegister } from './store/products.ts';
import type { RegisterType } from './tables.ts';

/** Product types whose devices can register themselves: general (0) and general gateway (5); NB-IoT devices come through the operator. */
export const DYNAMIC_REGISTER_PRODUCT_TYPES = [0, 5];

/**
 * UpdateProductDynamicRegister: RegisterType 0 disabled, 1 pre-created devices only, 2 auto-create
 * up to RegisterLimit devices; answers the new settings with the ProductSecret devices sign with.
 */
export const UpdateProductDynamicRegister = defineAction({
  name: 'UpdateProductDynamicRegister',
  request: iotcloudSpec.actions.UpdateProductDynamicRegister.request,
  async handle(ctx, { ProductId, RegisterType, RegisterLimit }) {
    assertValid(checkDynamicRegister(RegisterType, RegisterLimit));
    const product = await usableProductOf(ctx, ProductId);
    if (!DYNAMIC_REGISTER_PRODUCT_TYPES.includes(product.product_type)) {
      throw new TencentError('InvalidParameterValue.ProductTypeNotSupport', { detail: `Unsupported product type: ProductType ${product.product_type} products cannot register devices dynamically.` });
    }
    const updated = await updateDynamicRegister(ctx.store.db, ctx.accountId, ProductId, RegisterType as RegisterType, RegisterLimit);
    if (!updated) throw productNotFound(ProductId);
    return { RegisterType: updated.register_type, ProductSecret: openProductSecret(ctx.secrets, updated), RegisterLimit: Number(updated.register_limit) };
  },
});
