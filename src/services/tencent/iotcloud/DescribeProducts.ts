import { defineAction } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { assertValid } from '../params-rules.ts';
import { checkPage } from './validation.ts';
import { listProducts } from './store/products.ts';
import { productInfo } from './render.ts';

/** DescribeProducts: the caller's products, oldest first, Offset from 0 and Limit 10–250. */
export const DescribeProducts = defineAction({
  name: 'DescribeProducts',
  request: iotcloudSpec.actions.DescribeProducts.request,
  async handle(ctx, { Offset, Limit }) {
    assertValid(checkPage(Offset, Limit));
    const { total, rows } = await listProducts(ctx.store.db, ctx.accountId, { offset: Offset, limit: Limit });
    return { TotalCount: total, Products: rows.map((row) => productInfo(ctx.secrets, row)) };
  },
});
