import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { noSuchGroup } from './ownership.ts';
import { deleteGroup } from './store/groups.ts';

/** DeleteGroup: deletes one of the caller's groups; its devices stay, ungrouped. */
export const DeleteGroup = defineAction({
  name: 'DeleteGroup',
  request: mnaSpec.actions.DeleteGroup.request,
  async handle(ctx, { GroupId }) {
    if (!(await deleteGroup(ctx.store.db, ctx.accountId, GroupId))) throw noSuchGroup('GroupId', GroupId);
    return {};
  },
});
