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

const connected = preparedQuery((db: Kysely<Database>, now: number, login: string, iotId: string) =>
  db
    .updateTable('iot_devices')
    .set((eb) => ({ activated_at: eb.fn.coalesce('activated_at', eb.val(now)), online_at: now, status: 'ONLINE' as DeviceStatus, mqtt_login: login }))
    .where('iot_id', '=', iotId)
    .returning('iot_id'),
);

/**
 * A device authenticated with its DeviceSecret (or ClientId token) holds an MQTT connection named
 * `login`: the first time activates it (GmtActive; dynamic registration is refused from then on
 * until ResetThing), every time sets GmtOnline and ONLINE. False when the device is gone.
 */
export async function recordDeviceOnline(db: Kysely<Database>, iotId: string, login: string, now: number): Promise<boolean> {
  return (await connected(db, now, login, iotId)).length > 0;
}

/**
 * The operator's activate action, standing in for a first authentication without a connection:
 * activates the device (once) and, unless it holds a connection, records it OFFLINE with
 * GmtOnline now. A connected device stays ONLINE with its connection's GmtOnline. The device's
 * activation time and status; undefined when it is gone.
 */
export async function recordActivationWithoutConnection(db: Kysely<Database>, iotId: string, now: number): Promise<{ activatedAt: number; status: DeviceStatus } | undefined> {
  const row = await db
    .updateTable('iot_devices')
    .set((eb) => ({
      activated_at: eb.fn.coalesce('activated_at', eb.val(now)),
      online_at: eb.case().when('status', '=', 'ONLINE').then(eb.ref('online_at')).else(eb.val(now)).end(),
      status: eb.case().when('status', '=', 'ONLINE').then(eb.ref('status')).else(eb.val<DeviceStatus>('OFFLINE')).end(),
    }))
    .where('iot_id', '=', iotId)
    .returning(['activated_at', 'status'])
    .executeTakeFirst();
  return row && { activatedAt: Number(row.activated_at), status: row.status };
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
 * The MQTT connection named `login` ended: OFFLINE. A newer connection (on any node) has replaced
 * the login, and DISABLE or a reset stands, so a stale end changes nothing.
 */
export async function recordDeviceOffline(db: Kysely<Database>, iotId: string, login: string): Promise<void> {
  await db.updateTable('iot_devices').set({ status: 'OFFLINE' }).where('iot_id', '=', iotId).where('mqtt_login', '=', login).where('status', '=', 'ONLINE').execute();
}

/** What revalidation compares of a device holding a login: its status and credentials (DeviceSecret, and each ClientId's token). */
export interface LoginStanding {
  readonly mqtt_login: string;
  readonly status: DeviceStatus;
  readonly secret_sealed: string;
  /** Null when the device has no ClientId; one row per ClientId otherwise. */
  readonly client_id: string | null;
  readonly token_sealed: string | null;
}

/** The devices holding these logins, one row per (device, ClientId), in one indexed query. */
export async function findLoginStandings(db: Kysely<Database>, logins: readonly string[]): Promise<LoginStanding[]> {
  return db
    .selectFrom('iot_devices as d')
    .leftJoin('iot_client_ids as c', 'c.iot_id', 'd.iot_id')
    .select(['d.mqtt_login', 'd.status', 'd.secret_sealed', 'c.client_id', 'c.token_sealed'])
    .where('d.mqtt_login', 'in', logins)
    .execute() as Promise<LoginStanding[]>;
}
