import type { Kysely } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';
import { licenseType, type LicenseType } from '../licensing.ts';
import { releaseHardware } from './hardware.ts';

/** LicenseType of a permanent license (OrderPerLicense). */
const PERMANENT: LicenseType = 3;

/**
 * Deletes one of the account's devices (its NIC settings and license go with it), gives
 * activated hardware back to its vendor, and keeps what the active-device history needs:
 * activation and deletion times, group, license type and when a permanent license was bought.
 * Returns false if the account has no such device. Run it in a transaction.
 */
export async function deleteDeviceRecorded(trx: Kysely<Database>, accountId: string, deviceId: string, now: number): Promise<boolean> {
  const licensedAt = await trx.selectFrom('mna_licenses').select('created_at').where('device_id', '=', deviceId).where('account_id', '=', accountId).executeTakeFirst();
  const deleted = await trx
    .deleteFrom('mna_devices')
    .where('account_id', '=', accountId)
    .where('device_id', '=', deviceId)
    .returning(['hardware_id', 'created_at', 'group_id', 'license_pay_mode'])
    .executeTakeFirst();
  if (!deleted) return false;
  const hardware =
    deleted.hardware_id === null
      ? undefined
      : await trx.selectFrom('mna_hardware').select('license_charging_mode').where('hardware_id', '=', deleted.hardware_id).executeTakeFirst();
  await trx
    .insertInto('mna_deleted_devices')
    .values({
      device_id: deviceId,
      account_id: accountId,
      group_id: deleted.group_id,
      activated_at: deleted.created_at,
      deleted_at: now,
      // A bought license made the term permanent: before it, the device had the monthly type.
      license_type: licenseType(hardware?.license_charging_mode ?? null, licensedAt ? 0 : deleted.license_pay_mode),
      licensed_at: licensedAt?.created_at ?? null,
    })
    .execute();
  if (deleted.hardware_id !== null) await releaseHardware(trx, accountId, deleted.hardware_id);
  return true;
}

/** One device's life as far as `until`: when it appeared, its license types over time, and when it went. */
export interface DeviceTimeline {
  readonly activatedAt: number;
  /** Deletion time, or null while the device exists (or existed at `until`). */
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
    .leftJoin('mna_licenses as l', 'l.device_id', 'd.device_id')
    .select(['d.created_at', 'd.license_pay_mode', 'h.license_charging_mode', 'l.created_at as licensed_at'])
    .where('d.account_id', '=', accountId)
    .where('d.created_at', '<=', until)
    .$if(groupId !== undefined, (q) => q.where('d.group_id', '=', groupId!))
    .execute();
  const deleted = await db
    .selectFrom('mna_deleted_devices')
    .select(['activated_at', 'deleted_at', 'license_type', 'licensed_at'])
    .where('account_id', '=', accountId)
    .where('deleted_at', '>=', from)
    .where('activated_at', '<=', until)
    .$if(groupId !== undefined, (q) => q.where('group_id', '=', groupId!))
    .execute();
  const timeline = (activatedAt: number, deletedAt: number | null, initial: LicenseType, licensedAt: number | null): DeviceTimeline => ({
    activatedAt,
    deletedAt: deletedAt !== null && deletedAt <= until ? deletedAt : null,
    // A purchase after `until` is not known yet.
    licenses: [{ from: activatedAt, type: initial }, ...(licensedAt !== null && licensedAt <= until ? [{ from: licensedAt, type: PERMANENT }] : [])],
  });
  return [
    ...living.map((d) => timeline(d.created_at, null, licenseType(d.license_charging_mode, d.licensed_at === null ? d.license_pay_mode : 0), d.licensed_at)),
    ...deleted.map((d) => timeline(d.activated_at, d.deleted_at, d.license_type as LicenseType, d.licensed_at)),
  ];
}
