import type { Kysely } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';
import type { MnaGroupRow } from '../tables.ts';
import { contains, page, type PageWindow } from '../../../../storage/query-helpers.ts';
import { readKeysetPage, startsWith, type Keyed, type KeysetPage } from '../../../../storage/keyset.ts';

/** A group with the number of devices in it. */
export interface GroupView extends Omit<MnaGroupRow, 'account_id'> {
  readonly device_num: number;
}

function matchingGroups(db: Kysely<Database>, accountId: string, keyword?: string) {
  return db
    .selectFrom('mna_groups as g')
    .where('g.account_id', '=', accountId)
    .$if(!!keyword, (q) => q.where(contains('g.group_name', keyword!)));
}

const VIEW_COLUMNS = [
  'g.group_id',
  'g.group_name',
  'g.description',
  'g.created_at',
  'g.updated_at',
] as const;

function withDeviceNum(query: ReturnType<typeof matchingGroups>) {
  return query.select(VIEW_COLUMNS).select((eb) =>
    eb
      .selectFrom('mna_devices as d')
      .select((inner) => inner.fn.countAll<number>().as('n'))
      .whereRef('d.group_id', '=', 'g.group_id')
      .whereRef('d.account_id', '=', 'g.account_id')
      .as('device_num'),
  );
}

const withCount = (row: Omit<GroupView, 'device_num'> & { device_num: number | null }): GroupView => ({ ...row, device_num: Number(row.device_num ?? 0) });

export async function insertGroup(db: Kysely<Database>, accountId: string, row: Omit<MnaGroupRow, 'account_id'>): Promise<void> {
  await db
    .insertInto('mna_groups')
    .values({ ...row, account_id: accountId })
    .execute();
}

/** The account's group of that name (names are unique per account). */
export async function findGroupByName(db: Kysely<Database>, accountId: string, name: string): Promise<{ group_id: string } | undefined> {
  return db.selectFrom('mna_groups').select('group_id').where('account_id', '=', accountId).where('group_name', '=', name).executeTakeFirst();
}

export async function findGroup(db: Kysely<Database>, accountId: string, groupId: string): Promise<GroupView | undefined> {
  const row = await withDeviceNum(matchingGroups(db, accountId).where('g.group_id', '=', groupId)).executeTakeFirst();
  return row && withCount(row);
}

/** Names of the account's groups among `groupIds`, by id. */
export async function groupNames(db: Kysely<Database>, accountId: string, groupIds: readonly string[]): Promise<Map<string, string>> {
  if (groupIds.length === 0) return new Map();
  const rows = await db.selectFrom('mna_groups').select(['group_id', 'group_name']).where('account_id', '=', accountId).where('group_id', 'in', [...new Set(groupIds)]).execute();
  return new Map(rows.map((row) => [row.group_id, row.group_name]));
}

/** One page of the account's groups, oldest first (then by name), and how many match in total. */
export async function listGroups(db: Kysely<Database>, accountId: string, keyword: string | undefined, window: PageWindow): Promise<{ total: number; rows: GroupView[] }> {
  const matching = matchingGroups(db, accountId, keyword);
  const counted = await matching.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await page(withDeviceNum(matching).orderBy('g.created_at').orderBy('g.group_name'), window).execute();
  return { total: Number(counted.n), rows: rows.map(withCount) };
}

export async function updateGroupDescription(db: Kysely<Database>, accountId: string, groupId: string, description: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('mna_groups')
    .set({ description, updated_at: now })
    .where('account_id', '=', accountId)
    .where('group_id', '=', groupId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes one of the account's groups; its devices become ungrouped in the same statement (ON DELETE SET NULL). */
export async function deleteGroup(db: Kysely<Database>, accountId: string, groupId: string): Promise<boolean> {
  const result = await db.deleteFrom('mna_groups').where('account_id', '=', accountId).where('group_id', '=', groupId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function countGroupDevices(db: Kysely<Database>, accountId: string, groupId: string): Promise<number> {
  const row = await db
    .selectFrom('mna_devices')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('group_id', '=', groupId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One page of the account's groups by name (the unique index), optionally by name prefix, with their device counts. */
export async function groupPage(db: Kysely<Database>, accountId: string, namePrefix: string | undefined, page: KeysetPage): Promise<Keyed<GroupView>> {
  const query = withDeviceNum(matchingGroups(db, accountId).$if(namePrefix !== undefined, (q) => q.where(startsWith('g.group_name', namePrefix!))));
  const found = await readKeysetPage(query, { columns: ['g.group_name'], direction: 'asc', position: (row) => [row.group_name] }, page);
  return { rows: found.rows.map(withCount), next: found.next };
}
