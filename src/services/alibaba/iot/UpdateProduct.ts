import { defineAction } from '../../cloud-action.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { AlibabaError } from '../../../protocols/alibaba/errors.ts';
import { StoreRefusal } from '../../../storage/store-refusal.ts';
import { requireInstance, requireProductIn } from './scope.ts';
import { isProductDescription, isProductName } from './rules.ts';
import { updateProduct } from './store/products.ts';

/**
 * Renames a product (same rules and per-instance uniqueness as CreateProduct) and, when
 * Description is given, replaces it; an empty Description clears it. Success has no Data.
 */
export const UpdateProduct = defineAction({
  name: 'UpdateProduct',
  request: iotSpec.actions.UpdateProduct.request,
  async handle(ctx, params) {
    if (params.ProductName === '') throw new AlibabaError('iot.prod.NullProductName');
    if (!isProductName(params.ProductName)) throw new AlibabaError('iot.prod.InvalidFormattedProductName');
    if (params.Description !== undefined && !isProductDescription(params.Description)) throw new AlibabaError('iot.prod.LongProductDesc');
    const instanceId = await requireInstance(ctx, params.IotInstanceId);
    const product = await requireProductIn(ctx, instanceId, params.ProductKey);
    const description = params.Description === undefined ? {} : { description: params.Description || null };
    const change = { name: params.ProductName, ...description };
    const updated = await updateProduct(ctx.store.db, ctx.accountId, instanceId, product.product_key, change).catch((error: unknown) => {
      throw error instanceof StoreRefusal ? new AlibabaError('iot.prod.AlreadyExistedProductName') : error;
    });
    // Deleted between the lookup and the update.
    if (!updated) throw new AlibabaError('iot.prod.NotExistedProduct');
    return { Success: true };
  },
});
