import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { newGroupId } from './ids.ts';
import { assertValid, invalidValue } from '../params-rules.ts';
import { checkName, checkText } from './validation.ts';
import { insertGroup } from './store/groups.ts';
import { brokenUniqueRule } from './store/constraints.ts';

/** AddGroup: a device group of the caller; GroupName is unique within the account. */
export const AddGroup = defineAction({
  name: 'AddGroup',
  request: mnaSpec.actions.AddGroup.request,
  async handle(ctx, { GroupName, Description }) {
    assertValid(checkName('GroupName', GroupName), checkText('Description', Description));
    const now = ctx.now();
    const groupId = newGroupId();
    try {
      await insertGroup(ctx.store.db, ctx.accountId, { group_id: groupId, group_name: GroupName, description: Description ?? '', created_at: now, updated_at: now });
    } catch (error) {
      if (brokenUniqueRule(error) === 'mna_groups_name_unique') throw invalidValue('GroupName', `the account already has a group named ${GroupName}`);
      throw error;
    }
    return { GroupId: groupId };
  },
});
