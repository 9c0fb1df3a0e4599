import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';
import type { SecretBox } from '../../../../core/secret-box.ts';
import type { IotcloudDeviceRow } from '../tables.ts';
import { StoreRefusal } from '../../../../storage/store-refusal.ts';
import { isUnmetExpectation, writeInTransaction, type GuardedStatement } from '../../../../storage/atomic-write.ts';
import { preparedInsert, preparedQuery } from '../../../../storage/prepared-query.ts';
import { brokenUniqueRule } from './constraints.ts';
import { readKeysetPage, startsWith, type Keyed, type KeysetPage } from '../../../../storage/keyset.ts';

/** IoT Hub limit: devices per product (LimitExceeded.DeviceExceedLimit). */
export const MAX_DEVICES_PER_PRODUCT = 1_000_000;

export type DeviceRow = Selectable<IotcloudDeviceRow>;

const deviceSealingContext = (productId: string, deviceName: string): string => `iotcloud.device:${productId}/${deviceName}`;

/** Seals a device PSK to its row. */
export const sealDevicePsk = (secrets: SecretBox, productId: string, deviceName: string, psk: string): string =>
  secrets.seal(psk, deviceSealingContext(productId, deviceName));

/** The PSK of a stored key device in the clear; undefined for certificate devices. */
export const openDevicePsk = (secrets: SecretBox, row: Pick<DeviceRow, 'product_id' | 'device_name' | 'psk_sealed'>): string | undefined =>
  row.psk_sealed === null ? undefined : secrets.open(row.psk_sealed, deviceSealingContext(row.product_id, row.device_name));

/** What the creator decides about a new device; the rest starts at its defaults. */
export interface NewDevice {
  readonly productId: string;
  readonly deviceName: string;
  /** Key products: the PSK in the clear (sealed here). */
  readonly psk?: string;
  /** Certificate products: the device certificate (PEM). */
  readonly cert?: string;
  /** JSON array of DeviceTag. */
  readonly tags?: string;
  readonly isp?: number;
  readonly imei?: string;
  /**
   * Set by dynamic registration (RegisterType 2): the device counts against the product's
   * RegisterLimit, which the same transaction enforces.
   */
  readonly dynamic?: boolean;
}

/**
 * Why a device could not be created: the product holds 1,000,000 devices, dynamic registration
 * reached RegisterLimit, the name is taken, or the product was deleted meanwhile.
 */
export type DeviceRefusal = StoreRefusal<'quota' | 'register-limit' | 'name-taken' | 'product-gone'>;

/** Runs guarded statements all or none: `writeInTransaction` on any Kysely, or a Store's `writeAtomically`. */
export type AtomicWriter = (statements: readonly GuardedStatement[]) => Promise<void>;

/** Raises the product's device count below the quota and, for a dynamic registration, its dynamic count below RegisterLimit. */
const deviceCounter = (dynamic: boolean) =>
  preparedQuery((db: Kysely<Database>, productId: string, accountId: string) =>
    db
      .updateTable('iotcloud_products')
      .set((eb) => ({ device_count: eb('device_count', '+', 1), dynamic_device_count: eb('dynamic_device_count', '+', dynamic ? 1 : 0) }))
      .where('product_id', '=', productId)
      .where('account_id', '=', accountId)
      .where('device_count', '<', MAX_DEVICES_PER_PRODUCT)
      .$if(dynamic, (q) => q.whereRef('dynamic_device_count', '<', 'register_limit')),
  );
const countDevice = deviceCounter(false);
const countDynamicDevice = deviceCounter(true);

// Every column, as a device row is always inserted whole (the type makes sure none is left out).
const DEVICE_COLUMNS = Object.keys({
  product_id: true,
  device_name: true,
  account_id: true,
  psk_sealed: true,
  cert: true,
  cert_state: true,
  enable_state: true,
  log_level: true,
  tags: true,
  isp: true,
  imei: true,
  version: true,
  online: true,
  login_at: true,
  mqtt_login: true,
  first_online_at: true,
  last_offline_at: true,
  client_ip: true,
  shadow: true,
  dynamic_registered: true,
  created_at: true,
  updated_at: true,
} satisfies Record<keyof DeviceRow, true>) as (keyof DeviceRow)[];
const insertDevice = preparedInsert('iotcloud_devices', DEVICE_COLUMNS);

/**
 * Adds one device to one of the account's products. The product's counters are raised by a
 * conditional UPDATE in the same atomic write as the INSERT (device_count below the quota and, for
 * a dynamic registration, dynamic_device_count below register_limit), so concurrent creations
 * never pass either limit, on one node or several sharing PostgreSQL; the (product, name) primary
 * key lets exactly one of two equal names win. `write` defaults to a transaction on `db`; a
 * Store's `writeAtomically` does the same in one commit, on a SQLite file grouped with other small
 * writes on the event loop's writing connection (dynamic registration's hot path). Throws a DeviceRefusal.
 */
export async function createDevice(
  db: Kysely<Database>,
  secrets: SecretBox,
  accountId: string,
  device: NewDevice,
  now: number,
  write: AtomicWriter = (statements) => writeInTransaction(db, statements),
): Promise<DeviceRow> {
  const dynamic = device.dynamic === true;
  const row: DeviceRow = {
    product_id: device.productId,
    device_name: device.deviceName,
    account_id: accountId,
    psk_sealed: device.psk === undefined ? null : sealDevicePsk(secrets, device.productId, device.deviceName, device.psk),
    cert: device.cert ?? null,
    cert_state: device.cert === undefined ? 0 : 1,
    enable_state: 1,
    log_level: 0,
    tags: device.tags ?? '[]',
    isp: device.isp ?? 0,
    imei: device.imei ?? '',
    version: '',
    online: 0,
    login_at: null,
    mqtt_login: null,
    first_online_at: null,
    last_offline_at: null,
    client_ip: null,
    shadow: null,
    dynamic_registered: dynamic ? 1 : 0,
    created_at: now,
    updated_at: now,
  };
  const counted = (dynamic ? countDynamicDevice : countDevice).compile(db, device.productId, accountId);
  try {
    await write([
      { query: counted, expectedChanges: 1 },
      { query: insertDevice.compile(db, [row]) },
    ]);
    return row;
  } catch (error) {
    if (brokenUniqueRule(error) === 'iotcloud_devices_pk') throw new StoreRefusal('name-taken');
    if (!isUnmetExpectation(error)) throw error;
    // Nothing was written: the product is gone or full (a fresh read says which).
    const product = await db
      .selectFrom('iotcloud_products')
      .select(['device_count'])
      .where('product_id', '=', device.productId)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (!product) throw new StoreRefusal('product-gone');
    throw new StoreRefusal(product.device_count >= MAX_DEVICES_PER_PRODUCT ? 'quota' : 'register-limit');
  }
}

const deviceByName = preparedQuery((db: Kysely<Database>, productId: string, deviceName: string, accountId: string) =>
  db.selectFrom('iotcloud_devices').selectAll().where('product_id', '=', productId).where('device_name', '=', deviceName).where('account_id', '=', accountId),
);

/** The account's device of that product and name. */
export async function findDevice(db: Kysely<Database>, accountId: string, productId: string, deviceName: string): Promise<DeviceRow | undefined> {
  return (await deviceByName(db, productId, deviceName, accountId))[0];
}

/** How many devices of the product dynamic registration created (what RegisterLimit caps). */
export async function countDynamicDevices(db: Kysely<Database>, accountId: string, productId: string): Promise<number> {
  const row = await db
    .selectFrom('iotcloud_devices')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('product_id', '=', productId)
    .where('account_id', '=', accountId)
    .where('dynamic_registered', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** DescribeDevices filters; FirmwareVersion '' selects devices that reported no version. */
export interface DeviceFilter {
  readonly deviceName?: string;
  readonly enableState?: number;
  readonly firmwareVersion?: string;
}

/** One page of a product's devices, oldest first, and how many match. */
export async function listDevices(
  db: Kysely<Database>,
  accountId: string,
  productId: string,
  filter: DeviceFilter,
  window: { offset: number; limit: number },
): Promise<{ total: number; rows: DeviceRow[] }> {
  const scope = db
    .selectFrom('iotcloud_devices')
    .where('product_id', '=', productId)
    .where('account_id', '=', accountId)
    .$if(filter.deviceName !== undefined, (q) => q.where('device_name', '=', filter.deviceName!))
    .$if(filter.enableState !== undefined, (q) => q.where('enable_state', '=', filter.enableState!))
    .$if(filter.firmwareVersion !== undefined, (q) => q.where('version', '=', filter.firmwareVersion!));
  const [count, rows] = await Promise.all([
    scope.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    scope.selectAll().orderBy('created_at').orderBy('device_name').limit(window.limit).offset(window.offset).execute(),
  ]);
  return { total: Number(count.n), rows };
}

/** Deletes a device and gives its places back to the product's counters; false if there was none. */
export async function deleteDevice(db: Kysely<Database>, accountId: string, productId: string, deviceName: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const deleted = await tx
      .deleteFrom('iotcloud_devices')
      .where('product_id', '=', productId)
      .where('device_name', '=', deviceName)
      .where('account_id', '=', accountId)
      .returning('dynamic_registered')
      .executeTakeFirst();
    if (!deleted) return false;
    await tx
      .updateTable('iotcloud_products')
      .set((eb) => ({ device_count: eb('device_count', '-', 1), dynamic_device_count: eb('dynamic_device_count', '-', deleted.dynamic_registered) }))
      .where('product_id', '=', productId)
      .where('account_id', '=', accountId)
      .execute();
    return true;
  });
}

/**
 * Enables (1) or disables (0) several devices of a product at once: all of them or, when one does
 * not exist, none. Returns the names that do not exist (nothing written then).
 */
export async function setDevicesEnableState(db: Kysely<Database>, accountId: string, productId: string, deviceNames: readonly string[], state: number, now: number): Promise<string[]> {
  const unique = [...new Set(deviceNames)];
  return db.transaction().execute(async (tx) => {
    const found = await tx
      .selectFrom('iotcloud_devices')
      .select('device_name')
      .where('product_id', '=', productId)
      .where('account_id', '=', accountId)
      .where('device_name', 'in', unique)
      .execute();
    const known = new Set(found.map((r) => r.device_name));
    const missing = unique.filter((name) => !known.has(name));
    if (missing.length > 0) return missing;
    await tx
      .updateTable('iotcloud_devices')
      .set({ enable_state: state, updated_at: now })
      .where('product_id', '=', productId)
      .where('account_id', '=', accountId)
      .where('device_name', 'in', unique)
      .execute();
    return [];
  });
}

/** Changes one device's fields; false when there is no such device. */
export async function updateDevice(
  db: Kysely<Database>,
  accountId: string,
  productId: string,
  deviceName: string,
  change: Partial<Pick<DeviceRow, 'log_level' | 'shadow' | 'cert_state' | 'psk_sealed' | 'cert'>>,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('iotcloud_devices')
    .set({ ...change, updated_at: now })
    .where('product_id', '=', productId)
    .where('device_name', '=', deviceName)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * A device's MQTT connection named `login` (a random token) began: online, LoginTime now,
 * FirstOnlineTime on the first one, and the peer's address. False when the device is gone.
 */
export async function recordDeviceOnline(db: Kysely<Database>, productId: string, deviceName: string, login: string, now: number, clientIp: string | null): Promise<boolean> {
  const row = await db
    .updateTable('iotcloud_devices')
    .set((eb) => ({ online: 1, login_at: now, mqtt_login: login, first_online_at: eb.fn.coalesce('first_online_at', eb.val(now)), client_ip: clientIp }))
    .where('product_id', '=', productId)
    .where('device_name', '=', deviceName)
    .returning('login_at')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The connection named `login` ended: offline, LastOfflineTime now. A newer login (on any node)
 * has replaced the token, so a stale connection's end changes nothing.
 */
export async function recordDeviceOffline(db: Kysely<Database>, productId: string, deviceName: string, login: string, now: number): Promise<void> {
  await db
    .updateTable('iotcloud_devices')
    .set({ online: 0, last_offline_at: now })
    .where('product_id', '=', productId)
    .where('device_name', '=', deviceName)
    .where('mqtt_login', '=', login)
    .execute();
}

/** What revalidation compares of a device holding a login: its key, enable state and its product's forbidden flag. */
export interface LoginStanding {
  readonly mqtt_login: string;
  readonly psk_sealed: string | null;
  readonly enable_state: number;
  readonly forbidden: number;
}

/** The devices holding these logins, in one indexed query. */
export async function findLoginStandings(db: Kysely<Database>, logins: readonly string[]): Promise<LoginStanding[]> {
  return db
    .selectFrom('iotcloud_devices as d')
    .innerJoin('iotcloud_products as p', 'p.product_id', 'd.product_id')
    .select(['d.mqtt_login', 'd.psk_sealed', 'd.enable_state', 'p.forbidden'])
    .where('d.mqtt_login', 'in', logins)
    .execute() as Promise<LoginStanding[]>;
}

/** One page of a product's devices by name (the primary key), optionally by name prefix and online state. */
export async function devicePage(
  db: Kysely<Database>,
  accountId: string,
  productId: string,
  filter: { readonly namePrefix?: string | undefined; readonly online?: boolean | undefined },
  page: KeysetPage,
): Promise<Keyed<DeviceRow>> {
  const query = db
    .selectFrom('iotcloud_devices')
    .selectAll()
    .where('product_id', '=', productId)
    .where('account_id', '=', accountId)
    .$if(filter.namePrefix !== undefined, (q) => q.where(startsWith('device_name', filter.namePrefix!)))
    .$if(filter.online !== undefined, (q) => q.where('online', '=', filter.online ? 1 : 0));
  return readKeysetPage(query, { columns: ['device_name'], direction: 'asc', position: (row) => [row.device_name] }, page);
}
