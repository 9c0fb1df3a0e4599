import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { beijingDate } from './active-devices.ts';
import { activeDeviceCounts, activeDeviceQuery } from './active-device-query.ts';

/**
 * GetActiveDeviceCount: how many of the caller's devices were active in each day, week or month
 * of the window, optionally of one group and license type (rules in README.md, "Active devices").
 */
export const GetActiveDeviceCount = defineAction({
  name: 'GetActiveDeviceCount',
  request: mnaSpec.actions.GetActiveDeviceCount.request,
  async handle(ctx, params) {
    const now = ctx.now();
    const query = await activeDeviceQuery(ctx.store.db, ctx.accountId, params, now);
    return {
      ActiveDeviceList: await activeDeviceCounts(ctx.store.db, ctx.accountId, query, now),
      Period: query.period,
      StartTime: beijingDate(query.from),
      EndTime: beijingDate(query.to),
      DevGroup: query.devGroup,
      LicenseType: query.licenseType === undefined ? '' : String(query.licenseType),
      AppId: ctx.accountId,
    };
  },
});
