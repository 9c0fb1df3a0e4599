import type { Kysely } from 'kysely';
import type { Database } from '../../../storage/schema.ts';
import type { TencentError } from '../../../protocols/tencent/errors.ts';
import { invalidValue } from '../params-rules.ts';
import { findGroup, type GroupView } from './store/groups.ts';

// Another account's device or group is indistinguishable from one that does not exist:
// the documented not-found answer of these actions is InvalidParameterValue.
export const noSuchDevice = (name: string, deviceId: string): TencentError => invalidValue(name, `the account has no device ${deviceId}`);
export const noSuchGroup = (name: string, groupId: string): TencentError => invalidValue(name, `the account has no group ${groupId}`);

/** One of the caller's groups, or the not-found error naming parameter `name`. */
export async function ownGroup(db: Kysely<Database>, accountId: string, groupId: string, name = 'GroupId'): Promise<GroupView> {
  const group = await findGroup(db, accountId, groupId);
  if (!group) throw noSuchGroup(name, groupId);
  return group;
}
