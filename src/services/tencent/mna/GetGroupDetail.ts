import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { pageWindow, totalPages } from '../paging.ts';
import { ownGroup } from './ownership.ts';
import { listDevices } from './store/devices.ts';
import { deviceBaseInfo, groupInfo } from './render.ts';

/** GetGroupDetail: one of the caller's groups and a page of its devices; KeyWord matches DeviceId and DeviceName. */
export const GetGroupDetail = defineAction({
  name: 'GetGroupDetail',
  request: mnaSpec.actions.GetGroupDetail.request,
  async handle(ctx, { GroupId, PageSize, PageNumber, KeyWord }) {
    const window = pageWindow(PageNumber, PageSize);
    const group = await ownGroup(ctx.store.db, ctx.accountId, GroupId);
    const { total, rows } = await listDevices(ctx.store.db, ctx.accountId, { groupId: GroupId, keyword: KeyWord }, window);
    return { GroupInfo: groupInfo(group), DeviceInfos: rows.map(deviceBaseInfo), Length: total, TotalPage: totalPages(total, window) };
  },
});
