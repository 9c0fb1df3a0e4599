import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { TencentError } from '../../../protocols/tencent/errors.ts';
import { pageWindow } from '../paging.ts';
import { PACKAGE_STATUSES, type PackageStatus } from './flow-packages.ts';
import { listPackages } from './store/flow-packages.ts';
import { flowPackageInfo } from './render.ts';
import { invalidParameter } from './package-errors.ts';

/**
 * GetFlowPackages: the caller's traffic packages, oldest first, filtered by ResourceId, a bound
 * DeviceId and Status (0 not in effect, 1 valid, 2 expired at the time of the call). This action
 * documents InvalidParameter, not InvalidParameterValue, for bad values.
 */
export const GetFlowPackages = defineAction({
  name: 'GetFlowPackages',
  request: mnaSpec.actions.GetFlowPackages.request,
  async handle(ctx, { PageNumber, PageSize, ResourceId, DeviceId, Status }) {
    let window;
    try {
      window = pageWindow(PageNumber, PageSize);
    } catch (error) {
      if (error instanceof TencentError) throw invalidParameter(String(error.params.name ?? 'PageNumber'), error.message);
      throw error;
    }
    if (Status !== undefined && !(PACKAGE_STATUSES as readonly number[]).includes(Status)) {
      throw invalidParameter('Status', 'The value of parameter `Status` is invalid: it must be 0 (not in effect), 1 (valid) or 2 (expired).');
    }
    const now = ctx.now();
    const { total, rows } = await listPackages(ctx.store.db, ctx.accountId, { resourceId: ResourceId, deviceId: DeviceId, status: Status as PackageStatus | undefined }, now, window);
    return { PackageList: rows.map((row) => flowPackageInfo(row, now)), Total: total };
  },
});
