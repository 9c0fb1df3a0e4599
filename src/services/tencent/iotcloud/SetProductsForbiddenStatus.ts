import { defineAction } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { assertValid, checkOneOf, invalidValue } from '../params-rules.ts';
import { setProductsForbidden } from './store/products.ts';
import { isProductIdShape, MAX_BATCH, productNotFound } from './validation.ts';

/** SetProductsForbiddenStatus: Status 1 forbids, 0 enables the listed products, all or none. */
export const SetProductsForbiddenStatus = defineAction({
  name: 'SetProductsForbiddenStatus',
  request: iotcloudSpec.actions.SetProductsForbiddenStatus.request,
  async handle(ctx, { ProductId, Status }) {
    assertValid(
      ProductId.length >= 1 && ProductId.length <= MAX_BATCH ? undefined : invalidValue('ProductId', `it must list 1 to ${MAX_BATCH} products`),
      checkOneOf('Status', Status, [0, 1]),
    );
    const malformed = ProductId.find((id) => !isProductIdShape(id));
    if (malformed !== undefined) throw productNotFound(malformed);
    const missing = await setProductsForbidden(ctx.store.db, ctx.accountId, ProductId, Status === 1);
    if (missing.length > 0) throw productNotFound(missing[0]!);
    if (Status === 1) ctx.revocations?.notify();
    return {};
  },
});
