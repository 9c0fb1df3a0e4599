import { defineAction } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { assertValid, invalidValue } from '../params-rules.ts';
import { listProductsOfCa } from './store/products.ts';

const MAX_LIMIT = 250;

/**
 * DescribePrivateCABindedProducts: the caller's products bound to a private CA, oldest first.
 * Its documented errors have no CACertNotExist: an unknown name binds no product.
 */
export const DescribePrivateCABindedProducts = defineAction({
  name: 'DescribePrivateCABindedProducts',
  request: iotcloudSpec.actions.DescribePrivateCABindedProducts.request,
  async handle(ctx, { CertName, Offset, Limit }) {
    assertValid(
      Offset >= 0 && Number.isSafeInteger(Offset) ? undefined : invalidValue('Offset', 'it must be 0 or more'),
      Limit >= 1 && Limit <= MAX_LIMIT ? undefined : invalidValue('Limit', `it must be between 1 and ${MAX_LIMIT}`),
    );
    const rows = await listProductsOfCa(ctx.store.db, ctx.accountId, CertName, { offset: Offset, limit: Limit });
    return { Products: rows.map((row) => ({ ProductId: row.product_id, ProductName: row.product_name })) };
  },
});
