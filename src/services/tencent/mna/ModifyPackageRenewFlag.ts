import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { TencentError } from '../../../protocols/tencent/errors.ts';
import { findPackage, setRenewFlag } from './store/flow-packages.ts';
import { invalidParameter } from './package-errors.ts';

/**
 * ModifyPackageRenewFlag: turns a package's auto-renewal on or off. Another account's package is
 * ResourceNotFound like one that does not exist; an expired one is ResourceUnavailable; turning
 * renewal on while truncation is on is OperationDenied.TruncFlagOn (the two conflict); an empty
 * ResourceId is InvalidParameter.
 */
export const ModifyPackageRenewFlag = defineAction({
  name: 'ModifyPackageRenewFlag',
  request: mnaSpec.actions.ModifyPackageRenewFlag.request,
  async handle(ctx, { ResourceId, RenewFlag }) {
    if (ResourceId === '') throw invalidParameter('ResourceId', 'The parameter `ResourceId` must name a traffic package.');
    const now = ctx.now();
    if (await setRenewFlag(ctx.store.db, ctx.accountId, ResourceId, RenewFlag, now)) return {};
    const found = await findPackage(ctx.store.db, ctx.accountId, ResourceId);
    if (!found) throw new TencentError('ResourceNotFound', { name: 'ResourceId', detail: `The resource does not exist: ${ResourceId}.` });
    if (found.expire_at < now) throw new TencentError('ResourceUnavailable', { name: 'ResourceId', detail: `The traffic package ${ResourceId} has expired.` });
    throw new TencentError('OperationDenied.TruncFlagOn', { detail: `Truncation is enabled on ${ResourceId}: auto-renewal conflicts with it.` });
  },
});
