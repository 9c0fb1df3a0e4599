import { defineAction } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { productOf } from './product-access.ts';
import { productInfo } from './render.ts';

/** DescribeProduct: one of the caller's products (a forbidden one too), ProductSecret included. */
export const DescribeProduct = defineAction({
  name: 'DescribeProduct',
  request: iotcloudSpec.actions.DescribeProduct.request,
  async handle(ctx, { ProductId }) {
    return productInfo(ctx.secrets, await productOf(ctx, ProductId));
  },
});
