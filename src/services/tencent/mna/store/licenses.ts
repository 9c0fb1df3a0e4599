import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';
import type { GuardedStatement } from '../../../../storage/atomic-write.ts';
import { preparedQuery } from '../../../../storage/prepared-query.ts';
import type { HardwareStatus, MnaLicenseRow } from '../tables.ts';
import { readKeysetPage, type Keyed, type KeysetPage } from '../../../../storage/keyset.ts';
import { boundToEffectivePackage } from './package-binding.ts';
import { deleteDeviceRecorded } from './device-records.ts';
import { mayOrder } from '../paying.ts';

/** What OrderPerLicense Type 0 checks before paying: the device's vendor charging mode (null for AddDevice devices) and whether it already holds a license. */
export interface DeviceLicenseState {
  readonly chargingMode: number | null;
  readonly licensed: boolean;
}

const deviceLicenseRow = preparedQuery((db: Kysely<Database>, accountId: string, deviceId: string) =>
  db
    .selectFrom('mna_devices as d')
    .leftJoin('mna_hardware as h', (join) => join.onRef('h.hardware_id', '=', 'd.hardware_id').onRef('h.owner_account_id', '=', 'd.account_id'))
    .leftJoin('mna_licenses as l', 'l.device_id', 'd.device_id')
    .select(['h.license_charging_mode', 'l.resource_id'])
    .where('d.account_id', '=', accountId)
    .where('d.device_id', '=', deviceId),
);

/** The state of one of the account's devices, or undefined when it has no such device. */
export async function deviceLicenseState(db: Kysely<Database>, accountId: string, deviceId: string): Promise<DeviceLicenseState | undefined> {
  const [row] = await deviceLicenseRow(db, accountId, deviceId);
  return row && { chargingMode: row.license_charging_mode, licensed: row.resource_id !== null };
}

/** What OrderPerLicense Type 1 checks: the vendor's hardware, its status and charging mode, and whether it already holds a license. */
export interface HardwareLicenseState {
  readonly status: HardwareStatus;
  readonly chargingMode: number;
  readonly licensed: boolean;
}

/** The state of one of the vendor's hardware, or undefined when the account registered no such HardwareId. */
export async function hardwareLicenseState(db: Kysely<Database>, vendorAccountId: string, hardwareId: string): Promise<HardwareLicenseState | undefined> {
  const row = await db
    .selectFrom('mna_hardware as h')
    .leftJoin('mna_licenses as l', 'l.hardware_id', 'h.hardware_id')
    .select(['h.status', 'h.license_charging_mode', 'l.resource_id'])
    .where('h.account_id', '=', vendorAccountId)
    .where('h.hardware_id', '=', hardwareId)
    .executeTakeFirst();
  return row && { status: row.status, chargingMode: row.license_charging_mode, licensed: row.resource_id !== null };
}

/** Index, within licenseGrant's statements, of the guard that fails when the device or hardware is gone (deleted, or activated for Type 1) since it was read. */
export const TARGET_GONE = 0;
/** Index of the guard that fails when another order licensed it first. */
export const ALREADY_LICENSED = 1;

/**
 * The statements that give a device (Type 0) or a vendor's not-yet-activated hardware (Type 1)
 * its permanent license, for OrderPerLicense's atomic write with the payment: first the target row
 * is changed (a device's term becomes permanent; the hardware becomes vendor-paid permanent,
 * LicenseChargingMode 3, so the device activated from it is permanent), which must still exist
 * (row-locking it, so concurrent orders for one target queue up here); then the license row is
 * inserted unless the target already has one (its unique constraint), which must add one row.
 *
 * With `unchecked` (the order's payer), nothing was checked before: the target's change also
 * requires what OrderPerLicense checks first (mayOrder for the payer; a device whose vendor pays
 * neither monthly nor permanently, hardware not vendor-paid permanent), so the write pays only an
 * order that passes them all (payOrder's `unchecked` writes, src/billing/payment.ts).
 */
export function licenseGrant(db: Kysely<Database>, license: MnaLicenseRow, unchecked?: { readonly userId: string | null }): GuardedStatement[] {
  const l = license;
  let target;
  if (l.device_id !== null) {
    target = unchecked ? makeOrderableDevicePermanent.compile(db, l.account_id, l.device_id, unchecked.userId) : makeDevicePermanent.compile(db, l.account_id, l.device_id);
  } else {
    target = unchecked ? makeOrderableHardwareVendorPermanent.compile(db, l.account_id, l.hardware_id!, unchecked.userId) : makeHardwareVendorPermanent.compile(db, l.account_id, l.hardware_id!);
  }
  const insert = insertLicense.compile(db, l.resource_id, l.account_id, l.type, l.device_id, l.hardware_id, l.amount, l.voucher_id, l.request_id, l.created_at);
  return [
    { query: target, expectedChanges: 1 },
    { query: insert, expectedChanges: 1 },
  ];
}

// Compiled once (see prepared-query.ts): every order runs them.
const devicePermanent = (db: Kysely<Database>, accountId: string, deviceId: string) =>
  db.updateTable('mna_devices').set({ license_pay_mode: 1 }).where('account_id', '=', accountId).where('device_id', '=', deviceId);
const hardwareVendorPermanent = (db: Kysely<Database>, accountId: string, hardwareId: string) =>
  db.updateTable('mna_hardware').set({ license_charging_mode: 3 }).where('account_id', '=', accountId).where('hardware_id', '=', hardwareId).where('status', '=', 1);
const makeDevicePermanent = preparedQuery(devicePermanent);
const makeHardwareVendorPermanent = preparedQuery(hardwareVendorPermanent);
// The same with the checks folded in. The device's vendor charging mode is deviceLicenseRow's join: none for an AddDevice device.
const makeOrderableDevicePermanent = preparedQuery((db: Kysely<Database>, accountId: string, deviceId: string, userId: string | null) =>
  devicePermanent(db, accountId, deviceId)
    .where(
      sql<boolean>`coalesce((select h.license_charging_mode from mna_hardware h where h.hardware_id = mna_devices.hardware_id and h.owner_account_id = mna_devices.account_id), 1) not in (2, 3)`,
    )
    .where(mayOrder(sql.ref('mna_devices.account_id'), userId)),
);
const makeOrderableHardwareVendorPermanent = preparedQuery((db: Kysely<Database>, accountId: string, hardwareId: string, userId: string | null) =>
  hardwareVendorPermanent(db, accountId, hardwareId).where('license_charging_mode', '<>', 3).where(mayOrder(sql.ref('mna_hardware.account_id'), userId)),
);
const insertLicense = preparedQuery(
  (
    db: Kysely<Database>,
    resourceId: string,
    accountId: string,
    type: number,
    deviceId: string | null,
    hardwareId: string | null,
    amount: number,
    voucherId: string | null,
    requestId: string,
    createdAt: number,
  ) =>
    db
      .insertInto('mna_licenses')
      .values({ resource_id: resourceId, account_id: accountId, type, device_id: deviceId, hardware_id: hardwareId, amount, voucher_id: voucherId, request_id: requestId, created_at: createdAt })
      .onConflict((oc) => oc.doNothing()),
);

/** What RollBack did after a failed purchase. */
export type RollBackOutcome = 'deleted' | 'bound' | 'kept';

/**
 * RollBack of a failed Type 0 purchase: deletes the device (giving activated hardware back to its
 * vendor, as DeleteDevice does) unless it is bound to a traffic package in effect ('bound') or
 * holds a license after all, or is gone ('kept'). The device row is locked first (a no-op update),
 * so a concurrent order that licenses it commits before the license check reads.
 */
export async function rollBackDevice(db: Kysely<Database>, accountId: string, deviceId: string, now: number): Promise<RollBackOutcome> {
  return db.transaction().execute(async (trx) => {
    const locked = await trx.updateTable('mna_devices').set((eb) => ({ device_id: eb.ref('device_id') })).where('account_id', '=', accountId).where('device_id', '=', deviceId).executeTakeFirst();
    if (locked.numUpdatedRows === 0n) return 'kept';
    if (await trx.selectFrom('mna_licenses').select('resource_id').where('device_id', '=', deviceId).executeTakeFirst()) return 'kept';
    if (await boundToEffectivePackage(trx, accountId, deviceId, now)) return 'bound';
    // As DeleteDevice deletes: the hardware goes back to its vendor and the active-device history keeps the device.
    await deleteDeviceRecorded(trx, accountId, deviceId, now);
    return 'deleted';
  });
}

/**
 * RollBack of a failed Type 1 purchase: deletes the vendor's hardware while it is still to be
 * activated and not vendor-paid permanent ('deleted'); otherwise 'kept'. A Type 1 license always
 * makes its hardware LicenseChargingMode 3, a column of the row itself, so a license granted
 * concurrently is seen when the DELETE re-checks the row it waited for. Hardware not activated
 * has no device, so no traffic package can be bound to it.
 */
export async function rollBackHardware(db: Kysely<Database>, vendorAccountId: string, hardwareId: string): Promise<RollBackOutcome> {
  const deleted = await db
    .deleteFrom('mna_hardware')
    .where('account_id', '=', vendorAccountId)
    .where('hardware_id', '=', hardwareId)
    .where('status', '=', 1)
    .where('license_charging_mode', '<>', 3)
    .executeTakeFirst();
  return deleted.numDeletedRows > 0n ? 'deleted' : 'kept';
}

/** One page of the licenses the account bought, newest first. */
export async function licensePage(db: Kysely<Database>, accountId: string, page: KeysetPage): Promise<Keyed<MnaLicenseRow>> {
  const query = db.selectFrom('mna_licenses').selectAll().where('account_id', '=', accountId);
  return readKeysetPage(query, { columns: ['created_at', 'resource_id'], direction: 'desc', position: (row) => [row.created_at, row.resource_id] }, page);
}
