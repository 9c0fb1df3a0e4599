import type { Kysely } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';
import type { GuardedStatement } from '../../../../storage/atomic-write.ts';
import { lowerAlphanumeric } from '../../../../core/ids.ts';
import { licenseType, type LicenseType } from '../licensing.ts';

/** A record id: `dr-` + 16 lowercase alphanumerics. */
const newRecordId = (): string => `dr-${lowerAlphanumeric(16)}`;

/**
 * The statement that records a device's license changing from one LicenseType to another (for
 * instance to 3 when OrderPerLicense buys a permanent license), to append to the atomic write
 * that changes it: GetActiveDeviceCount counts the device under the new type from `at` on.
 */
export function licenseChangeStatement(
  db: Kysely<Database>,
  change: { readonly accountId: string; readonly deviceId: string; readonly at: number; readonly from: LicenseType; readonly to: LicenseType },
): GuardedStatement {
  const query = db
    .insertInto('mna_device_records')
    .values({
      record_id: newRecordId(),
      account_id: change.accountId,
      device_id: change.deviceId,
      kind: 'license',
      at: change.at,
      license_type: change.to,
      previous_license_type: change.from,
      activated_at: null,
      group_id: null,
    })
    .compile();
  return { query, expectedChanges: 1 };
}

/**
 * Deletes one of the account's devices (its NIC settings go with it) and records the deletion
 * with what the history of active devices needs (activation time, group, license type). Returns
 * the device's hardware link, or undefined if the account has no such device. Run it in a
 * transaction.
 */
export async function deleteDeviceRecorded(trx: Kysely<Database>, accountId: string, deviceId: string, now: number): Promise<{ hardware_id: string | null } | undefined> {
  const deleted = await trx
    .deleteFrom('mna_devices')
    .where('account_id', '=', accountId)
    .where('device_id', '=', deviceId)
    .returning(['hardware_id', 'created_at', 'group_id', 'license_pay_mode'])
    .executeTakeFirst();
  if (!deleted) return undefined;
  const hardware =
    deleted.hardware_id === null
      ? undefined
      : await trx.selectFrom('mna_hardware').select('license_charging_mode').where('hardware_id', '=', deleted.hardware_id).executeTakeFirst();
  await trx
    .insertInto('mna_device_records')
    .values({
      record_id: newRecordId(),
      account_id: accountId,
      device_id: deviceId,
      kind: 'deleted',
      at: now,
      license_type: licenseType(hardware?.license_charging_mode ?? null, deleted.license_pay_mode),
      previous_license_type: null,
      activated_at: deleted.created_at,
      group_id: deleted.group_id,
    })
    .execute();
  return { hardware_id: deleted.hardware_id };
}

/** One device's life as far as `until`: when it appeared, its license types over time, and when it went. */
export interface DeviceTimeline {
  readonly activatedAt: number;
  /** Deletion time, or null while the device exists. */
  readonly deletedAt: number | null;
  /** The type from activation, then each change in time order. */
  readonly licenses: readonly { readonly from: number; readonly type: LicenseType }[];
}

/**
 * The timelines of the account's devices that existed at some time in [from, until], optionally
 * only those in a group (a deleted device by the group it was in when deleted). Only what had
 * happened by `until` counts, so a report over a past `until` never changes.
 */
export async function deviceTimelines(db: Kysely<Database>, accountId: string, window: { readonly from: number; readonly until: number; readonly groupId?: string }): Promise<DeviceTimeline[]> {
  const { from, until, groupId } = window;
  const living = await db
    .selectFrom('mna_devices as d')
    .leftJoin('mna_hardware as h', (join) => join.onRef('h.hardware_id', '=', 'd.hardware_id').onRef('h.owner_account_id', '=', 'd.account_id'))
    .select(['d.device_id', 'd.created_at', 'd.license_pay_mode', 'h.license_charging_mode'])
    .where('d.account_id', '=', accountId)
    .where('d.created_at', '<=', until)
    .$if(groupId !== undefined, (q) => q.where('d.group_id', '=', groupId!))
    .execute();
  const deleted = await db
    .selectFrom('mna_device_records')
    .select(['device_id', 'activated_at', 'at', 'license_type'])
    .where('account_id', '=', accountId)
    .where('kind', '=', 'deleted')
    .where('at', '>=', from)
    .where('activated_at', '<=', until)
    .$if(groupId !== undefined, (q) => q.where('group_id', '=', groupId!))
    .execute();
  const ids = [...living.map((d) => d.device_id), ...deleted.map((d) => d.device_id)];
  const changes = ids.length === 0 ? [] : await licenseChanges(db, accountId);
  const byDevice = new Map<string, { at: number; from: LicenseType; to: LicenseType }[]>();
  for (const change of changes) {
    const list = byDevice.get(change.device_id) ?? [];
    list.push({ at: change.at, from: change.previous_license_type as LicenseType, to: change.license_type as LicenseType });
    byDevice.set(change.device_id, list);
  }
  const timeline = (deviceId: string, activatedAt: number, deletedAt: number | null, lastType: LicenseType): DeviceTimeline => {
    const list = byDevice.get(deviceId) ?? [];
    // Before its first change the device had the type that change started from; changes after `until` do not count yet.
    const first = list[0]?.from ?? lastType;
    const known = list.filter((c) => c.at <= until).map((c) => ({ from: c.at, type: c.to }));
    return { activatedAt, deletedAt, licenses: [{ from: activatedAt, type: first }, ...known] };
  };
  return [
    ...living.map((d) => timeline(d.device_id, d.created_at, null, licenseType(d.license_charging_mode, d.license_pay_mode))),
    ...deleted.map((d) => timeline(d.device_id, d.activated_at!, d.at > until ? null : d.at, d.license_type as LicenseType)),
  ];
}

/** The account's license changes in time order (one query: accounts change licenses rarely). */
function licenseChanges(db: Kysely<Database>, accountId: string) {
  return db
    .selectFrom('mna_device_records')
    .select(['device_id', 'at', 'license_type', 'previous_license_type'])
    .where('account_id', '=', accountId)
    .where('kind', '=', 'license')
    .orderBy('at')
    .orderBy('record_id')
    .execute();
}
