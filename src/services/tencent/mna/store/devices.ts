import type { Kysely } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';
import type { MnaDeviceNicRow, MnaDeviceRow } from '../tables.ts';
import { contains, page, type PageWindow } from '../../../../storage/query-helpers.ts';
import { preparedInsert } from '../../../../storage/prepared-query.ts';
import { readKeysetPage, startsWith, type Keyed, type KeysetPage } from '../../../../storage/keyset.ts';

/** A device with what DeviceBaseInfo shows about its group and, if activated hardware, its vendor. */
export interface DeviceView {
  readonly device_id: string;
  readonly device_name: string;
  readonly remark: string;
  readonly access_scope: number;
  readonly license_pay_mode: number;
  readonly flow_trunc: number;
  readonly created_at: number;
  readonly group_id: string | null;
  readonly group_name: string | null;
  readonly hardware_id: string | null;
  readonly sn: string | null;
  readonly vendor: string | null;
  readonly license_charging_mode: number | null;
}

function deviceViews(db: Kysely<Database>, accountId: string) {
  return db
    .selectFrom('mna_devices as d')
    .leftJoin('mna_groups as g', (join) => join.onRef('g.group_id', '=', 'd.group_id').onRef('g.account_id', '=', 'd.account_id'))
    .leftJoin('mna_hardware as h', (join) => join.onRef('h.hardware_id', '=', 'd.hardware_id').onRef('h.owner_account_id', '=', 'd.account_id'))
    .leftJoin('mna_vendors as v', 'v.account_id', 'h.account_id')
    .where('d.account_id', '=', accountId);
}

const VIEW_COLUMNS = [
  'd.device_id',
  'd.device_name',
  'd.remark',
  'd.access_scope',
  'd.license_pay_mode',
  'd.flow_trunc',
  'd.created_at',
  'd.group_id',
  'g.group_name',
  'd.hardware_id',
  'h.sn',
  'v.name as vendor',
  'h.license_charging_mode',
] as const;

export async function findDevice(db: Kysely<Database>, accountId: string, deviceId: string): Promise<DeviceView | undefined> {
  return deviceViews(db, accountId).select(VIEW_COLUMNS).where('d.device_id', '=', deviceId).executeTakeFirst();
}

export interface DeviceFilter {
  /** Matched against DeviceId and DeviceName. */
  readonly keyword?: string;
  /** true: activated vendor hardware only; false: devices added with AddDevice only. */
  readonly thirdParty?: boolean;
  readonly groupId?: string;
}

/** One page of the account's devices, oldest first (then by name), and how many match in total. */
export async function listDevices(
  db: Kysely<Database>,
  accountId: string,
  filter: DeviceFilter,
  window: PageWindow,
): Promise<{ total: number; rows: DeviceView[] }> {
  const { keyword, thirdParty, groupId } = filter;
  const base = deviceViews(db, accountId)
    .$if(!!keyword, (q) => q.where((eb) => eb.or([contains('d.device_id', keyword!), contains('d.device_name', keyword!)])))
    .$if(thirdParty !== undefined, (q) => q.where('d.hardware_id', thirdParty ? 'is not' : 'is', null))
    .$if(groupId !== undefined, (q) => q.where('d.group_id', '=', groupId!));
  const counted = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await page(base.select(VIEW_COLUMNS).orderBy('d.created_at').orderBy('d.device_name'), window).execute();
  return { total: Number(counted.n), rows };
}

/** Inserts devices, one statement for the whole list (`run`), or compiles that statement for an atomic write. */
export const insertDevices = preparedInsert('mna_devices', [
  'device_id',
  'account_id',
  'device_name',
  'remark',
  'data_key_sealed',
  'data_key_digest',
  'access_scope',
  'license_pay_mode',
  'flow_trunc',
  'group_id',
  'hardware_id',
  'created_at',
]);

/** Device names among `names` the account already uses. */
export async function takenDeviceNames(db: Kysely<Database>, accountId: string, names: readonly string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const rows = await db.selectFrom('mna_devices').select('device_name').where('account_id', '=', accountId).where('device_name', 'in', [...new Set(names)]).execute();
  return new Set(rows.map((row) => row.device_name));
}

/** DataKey digests among `digests` the account already uses. */
export async function takenDataKeyDigests(db: Kysely<Database>, accountId: string, digests: readonly string[]): Promise<Set<string>> {
  if (digests.length === 0) return new Set();
  const rows = await db.selectFrom('mna_devices').select('data_key_digest').where('account_id', '=', accountId).where('data_key_digest', 'in', [...new Set(digests)]).execute();
  return new Set(rows.map((row) => row.data_key_digest));
}

/** Which of `deviceIds` the account owns. */
export async function ownedDeviceIds(db: Kysely<Database>, accountId: string, deviceIds: readonly string[]): Promise<Set<string>> {
  if (deviceIds.length === 0) return new Set();
  const rows = await db.selectFrom('mna_devices').select('device_id').where('account_id', '=', accountId).where('device_id', 'in', [...new Set(deviceIds)]).execute();
  return new Set(rows.map((row) => row.device_id));
}

export type DevicePatch = Partial<Pick<MnaDeviceRow, 'device_name' | 'remark' | 'flow_trunc'>>;

/** Applies a patch to one of the account's devices; false when it has no such device. */
export async function updateDevice(db: Kysely<Database>, accountId: string, deviceId: string, patch: DevicePatch): Promise<boolean> {
  if (Object.keys(patch).length === 0) return (await ownedDeviceIds(db, accountId, [deviceId])).size === 1;
  const result = await db.updateTable('mna_devices').set(patch).where('account_id', '=', accountId).where('device_id', '=', deviceId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** NIC settings to merge: fields left undefined keep their stored value (or the default for a new NIC). */
export type NicPatch = Pick<MnaDeviceNicRow, 'net_info_name'> & Partial<Pick<MnaDeviceNicRow, 'type' | 'data_enable' | 'upload_limit' | 'download_limit'>>;

const NIC_DEFAULTS = { type: 0, data_enable: 1, upload_limit: 0, download_limit: 0 } as const;

/** Upserts NIC settings of a device the caller has checked it owns; one statement per NIC, no read-modify-write. */
export async function mergeNics(db: Kysely<Database>, accountId: string, deviceId: string, patches: readonly NicPatch[]): Promise<void> {
  for (const patch of patches) {
    const { net_info_name, ...fields } = patch;
    const given = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
    await db
      .insertInto('mna_device_nics')
      .values({ ...NIC_DEFAULTS, ...given, account_id: accountId, device_id: deviceId, net_info_name })
      .onConflict((oc) =>
        Object.keys(given).length === 0 ? oc.columns(['device_id', 'net_info_name']).doNothing() : oc.columns(['device_id', 'net_info_name']).doUpdateSet(given),
      )
      .execute();
  }
}

export async function listNics(db: Kysely<Database>, accountId: string, deviceId: string): Promise<MnaDeviceNicRow[]> {
  return db.selectFrom('mna_device_nics').selectAll().where('account_id', '=', accountId).where('device_id', '=', deviceId).orderBy('net_info_name').execute();
}

/** Puts the account's devices into `groupId` (or, with null, takes them out of `fromGroupId`). */
export async function setDeviceGroup(
  db: Kysely<Database>,
  accountId: string,
  deviceIds: readonly string[],
  groupId: string | null,
  fromGroupId?: string,
): Promise<void> {
  await db
    .updateTable('mna_devices')
    .set({ group_id: groupId })
    .where('account_id', '=', accountId)
    .where('device_id', 'in', [...new Set(deviceIds)])
    .$if(fromGroupId !== undefined, (q) => q.where('group_id', '=', fromGroupId!))
    .execute();
}

/** One page of the account's devices by DeviceName (the unique index), optionally by name prefix or of one group. */
export async function devicePage(
  db: Kysely<Database>,
  accountId: string,
  filter: { readonly namePrefix?: string | undefined; readonly groupId?: string | undefined },
  page: KeysetPage,
): Promise<Keyed<DeviceView>> {
  const query = deviceViews(db, accountId)
    .select(VIEW_COLUMNS)
    .$if(filter.namePrefix !== undefined, (q) => q.where(startsWith('d.device_name', filter.namePrefix!)))
    .$if(filter.groupId !== undefined, (q) => q.where('d.group_id', '=', filter.groupId!));
  return readKeysetPage(query, { columns: ['d.device_name'], direction: 'asc', position: (row) => [row.device_name] }, page);
}
