import type { Kysely } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';
import type { SecretBox } from '../../../../core/secret-box.ts';
import { preparedQuery } from '../../../../storage/prepared-query.ts';
import { deviceSealingContext } from './devices.ts';
import type { DeviceStatus } from '../tables.ts';

/** What a dynamic registration needs in one read: the product (any account's) and its device of that name, if any. */
export interface RegistrationTarget {
  readonly product_key: string;
  readonly account_id: string;
  readonly secret_sealed: string;
  readonly dynamic_registration: number;
  /** Null when the product has no device of that name. */
  readonly iot_id: string | null;
  readonly activated_at: number | null;
}

// One indexed read per registration: the device is joined within the product's own account.
const registrationTarget = preparedQuery((db: Kysely<Database>, deviceName: string, productKey: string) =>
  db
    .selectFrom('iot_products as p')
    .leftJoin('iot_devices as d', (join) =>
      join.onRef('d.product_key', '=', 'p.product_key').onRef('d.account_id', '=', 'p.account_id').on('d.device_name', '=', deviceName),
    )
    .select(['p.product_key', 'p.account_id', 'p.secret_sealed', 'p.dynamic_registration', 'd.iot_id', 'd.activated_at'])
    .where('p.product_key', '=', productKey),
);

/** The product a device names in its registration, with that device; undefined when no product has the key. */
export async function findRegistrationTarget(db: Kysely<Database>, productKey: string, deviceName: string): Promise<RegistrationTarget | undefined> {
  return (await registrationTarget(db, deviceName, productKey))[0];
}

const replaceSecret = preparedQuery((db: Kysely<Database>, secretSealed: string, now: number, iotId: string, accountId: string) =>
  db
    .updateTable('iot_devices')
    .set({ secret_sealed: secretSealed, modified_at: now })
    .where('iot_id', '=', iotId)
    .where('account_id', '=', accountId)
    .where('activated_at', 'is', null)
    .returning('iot_id'),
);

/**
 * Gives a device that has not activated a new DeviceSecret: one conditional UPDATE, so among
 * concurrent registrations the last to commit wins and each secret handed out was the current
 * one when its UPDATE committed. False when the device activated or was deleted meanwhile.
 */
export async function replaceSecretBeforeActivation(
  db: Kysely<Database>,
  secrets: SecretBox,
  device: { readonly accountId: string; readonly iotId: string },
  secret: string,
  now: number,
): Promise<boolean> {
  const sealed = secrets.seal(secret, deviceSealingContext(device.iotId));
  return (await replaceSecret(db, sealed, now, device.iotId, device.accountId)).length > 0;
}

/** Whether the device holds a connection (MQTT) or authenticated once without one (the operator's activate action). */
export type AuthenticatedAs = 'online' | 'offline';

const authenticated = preparedQuery((db: Kysely<Database>, now: number, status: string, iotId: string) =>
  db
    .updateTable('iot_devices')
    .set((eb) => ({ activated_at: eb.fn.coalesce('activated_at', eb.val(now)), online_at: now, status: status as DeviceStatus }))
    .where('iot_id', '=', iotId)
    .returning(['iot_id', 'activated_at']),
);

/**
 * Records that a device authenticated with its DeviceSecret: the first time activates it
 * (GmtActive; dynamic registration is refused from then on until ResetThing), every time sets
 * GmtOnline and the status (ONLINE while connected, OFFLINE otherwise). The MQTT side calls it on
 * each successful CONNECT with 'online'. The activation time of the device; undefined when the device is gone.
 */
export async function recordDeviceAuthenticated(db: Kysely<Database>, iotId: string, now: number, as: AuthenticatedAs): Promise<number | undefined> {
  const [row] = await authenticated(db, now, as === 'online' ? 'ONLINE' : 'OFFLINE', iotId);
  return row?.activated_at ?? undefined;
}

/**
 * ResetThing: the device is UNACTIVE again, without activation or online time, so it may register
 * dynamically once more. False when the account has no such device (deleted meanwhile).
 */
export async function resetDeviceRegistration(db: Kysely<Database>, accountId: string, iotId: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('iot_devices')
    .set({ status: 'UNACTIVE', activated_at: null, online_at: null, modified_at: now })
    .where('iot_id', '=', iotId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * The MQTT connection that went online at `onlineAt` ended: OFFLINE. A newer connection (on any
 * node) has changed GmtOnline, and the operator's DISABLE stands, so a stale end changes nothing.
 */
export async function recordDeviceOffline(db: Kysely<Database>, iotId: string, onlineAt: number): Promise<void> {
  await db.updateTable('iot_devices').set({ status: 'OFFLINE' }).where('iot_id', '=', iotId).where('online_at', '=', onlineAt).where('status', '=', 'ONLINE').execute();
}

/** Whether the device still exists, is not disabled and its latest login is the one at `onlineAt` (not replaced, not reset). */
export async function isCurrentLogin(db: Kysely<Database>, iotId: string, onlineAt: number): Promise<boolean> {
  const row = await db.selectFrom('iot_devices').select(['online_at', 'status']).where('iot_id', '=', iotId).executeTakeFirst();
  return row !== undefined && Number(row.online_at) === onlineAt && row.status !== 'DISABLE';
}
