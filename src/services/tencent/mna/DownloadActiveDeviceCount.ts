import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { activeDeviceQuery } from './active-device-query.ts';
import { reportLink } from './active-device-report.ts';

/**
 * DownloadActiveDeviceCount: the GetActiveDeviceCount figures as a CSV file that Fleetgate itself
 * serves. FilePath is a link with a sealed token that names the query and expires (README.md,
 * "Active devices").
 */
export const DownloadActiveDeviceCount = defineAction({
  name: 'DownloadActiveDeviceCount',
  request: mnaSpec.actions.DownloadActiveDeviceCount.request,
  async handle(ctx, params) {
    const now = ctx.now();
    const query = await activeDeviceQuery(ctx.store.db, ctx.accountId, params, now);
    return { FilePath: reportLink(ctx, query, now) };
  },
});
