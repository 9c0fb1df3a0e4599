import { Type } from '@sinclair/typebox';
import { defineAction } from '../../cloud-action.ts';
import { AlibabaError } from '../../../protocols/alibaba/errors.ts';
import { requireInstance, requireProductIn } from './scope.ts';
import { deleteProduct } from './store/products.ts';

/**
 * DeleteProduct's parameters (iot20180120 DeleteProductRequest). api-summary.json has no entry
 * for this action, so its schema is not generated with the others.
 */
const request = Type.Object({
  IotInstanceId: Type.Optional(Type.String()),
  ProductKey: Type.String(),
});

/**
 * Deletes a product together with its devices and import jobs ("the related information about
 * the product is also deleted", DeleteProduct page); its ProductKey is invalid afterwards.
 */
export const DeleteProduct = defineAction({
  name: 'DeleteProduct',
  request,
  async handle(ctx, params) {
    const instanceId = await requireInstance(ctx, params.IotInstanceId);
    const product = await requireProductIn(ctx, instanceId, params.ProductKey);
    if (!(await deleteProduct(ctx.store.db, ctx.accountId, instanceId, product.product_key))) throw new AlibabaError('iot.prod.NotExistedProduct');
    return { Success: true };
  },
});
