import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { pageWindow, totalPages } from '../paging.ts';
import { listGroups } from './store/groups.ts';
import { groupInfo } from './render.ts';

/** GetGroupList: the caller's groups with their device counts, oldest first; Keyword matches GroupName. */
export const GetGroupList = defineAction({
  name: 'GetGroupList',
  request: mnaSpec.actions.GetGroupList.request,
  async handle(ctx, { PageSize, PageNumber, Keyword }) {
    const window = pageWindow(PageNumber, PageSize);
    const { total, rows } = await listGroups(ctx.store.db, ctx.accountId, Keyword, window);
    return { GroupInfos: rows.map(groupInfo), Length: total, TotalPage: totalPages(total, window) };
  },
});
