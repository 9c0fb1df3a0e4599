import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { assertValid } from '../params-rules.ts';
import { checkText } from './validation.ts';
import { noSuchGroup, ownGroup } from './ownership.ts';
import { updateGroupDescription } from './store/groups.ts';

/** UpdateGroup: sets the Description of one of the caller's groups (and its UpdateTime). */
export const UpdateGroup = defineAction({
  name: 'UpdateGroup',
  request: mnaSpec.actions.UpdateGroup.request,
  async handle(ctx, { GroupId, Description }) {
    assertValid(checkText('Description', Description));
    if (Description === undefined) {
      await ownGroup(ctx.store.db, ctx.accountId, GroupId);
    } else if (!(await updateGroupDescription(ctx.store.db, ctx.accountId, GroupId, Description, ctx.now()))) {
      throw noSuchGroup('GroupId', GroupId);
    }
    return {};
  },
});
