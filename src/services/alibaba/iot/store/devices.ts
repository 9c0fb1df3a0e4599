import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';
import type { Dialect } from '../../../../storage/database.ts';
import type { SecretBox } from '../../../../core/secret-box.ts';
import type { IotDeviceRow } from '../tables.ts';
import { isUniqueViolation } from '../../../../storage/constraints.ts';
import { StoreRefusal } from '../../../../storage/store-refusal.ts';
import { newIotId } from '../ids.ts';
import { readKeysetPage, startsWith, type Keyed, type KeysetPage } from '../../../../storage/keyset.ts';
import { preparedQuery } from '../../../../storage/prepared-query.ts';
import { findProduct, type ProductRow } from './products.ts';

/** IoT Platform limit: devices per product (the cn-shanghai figure is higher; Fleetgate has one). */
export const MAX_DEVICES_PER_PRODUCT = 1_000_000;

export type DeviceRow = Selectable<IotDeviceRow>;

export const deviceSealingContext = (iotId: string): string => `iot.device:${iotId}`;

/** The DeviceSecret of a stored device, in the clear. */
export const openDeviceSecret = (secrets: SecretBox, row: Pick<DeviceRow, 'iot_id' | 'secret_sealed'>): string =>
  secrets.open(row.secret_sealed, deviceSealingContext(row.iot_id));

/** Why RegisterDevice's write was refused: the product is full, has that name, or was deleted meanwhile. */
export type DeviceRefusal = StoreRefusal<'quota' | 'name-taken' | 'product-gone'>;

/**
 * Adds one device to a product. The product's device counter is raised by a conditional UPDATE
 * in the same transaction, so concurrent registrations never pass the quota; the unique
 * (product, name) constraint lets exactly one of two equal names win. Throws a DeviceRefusal.
 */
export async function registerDevice(
  db: Kysely<Database>,
  secrets: SecretBox,
  accountId: string,
  productKey: string,
  device: { readonly deviceName: string; readonly secret: string; readonly nickname: string | null; readonly sn?: string },
  now: number,
): Promise<DeviceRow> {
  for (;;) {
    const iotId = newIotId();
    const row: DeviceRow = {
      iot_id: iotId,
      account_id: accountId,
      product_key: productKey,
      device_name: device.deviceName,
      secret_sealed: secrets.seal(device.secret, deviceSealingContext(iotId)),
      sn: device.sn ?? null,
      nickname: device.nickname,
      status: 'UNACTIVE',
      created_at: now,
      modified_at: now,
      activated_at: null,
      online_at: null,
      mqtt_login: null,
    };
    try {
      return await db.transaction().execute(async (tx) => {
        const counted = await tx
          .updateTable('iot_products')
          .set((eb) => ({ device_count: eb('device_count', '+', 1) }))
          .where('product_key', '=', productKey)
          .where('account_id', '=', accountId)
          .where('device_count', '<', MAX_DEVICES_PER_PRODUCT)
          .executeTakeFirst();
        if (counted.numUpdatedRows === 0n) {
          const product = await tx.selectFrom('iot_products').select('product_key').where('product_key', '=', productKey).executeTakeFirst();
          throw new StoreRefusal(product ? 'quota' : 'product-gone');
        }
        await tx.insertInto('iot_devices').values(row).execute();
        return row;
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const taken = await findDeviceByName(db, accountId, productKey, device.deviceName);
      if (taken) throw new StoreRefusal('name-taken');
      // Otherwise the random IotId collided: draw another.
    }
  }
}

// The single-device reads are prepared: most IoT actions make one of them.
const deviceByName = preparedQuery((db: Kysely<Database>, productKey: string, deviceName: string, accountId: string) =>
  db.selectFrom('iot_devices').selectAll().where('product_key', '=', productKey).where('device_name', '=', deviceName).where('account_id', '=', accountId),
);

export async function findDeviceByName(db: Kysely<Database>, accountId: string, productKey: string, deviceName: string): Promise<DeviceRow | undefined> {
  return (await deviceByName(db, productKey, deviceName, accountId))[0];
}

const deviceByIotId = preparedQuery((db: Kysely<Database>, iotId: string, accountId: string, instanceId: string) =>
  db
    .selectFrom('iot_devices as d')
    .innerJoin('iot_products as p', 'p.product_key', 'd.product_key')
    .selectAll('d')
    .where('d.iot_id', '=', iotId)
    .where('d.account_id', '=', accountId)
    .where('p.instance_id', '=', instanceId),
);

/** The account's device of that IotId, provided its product lives in the given instance. */
export async function findDeviceByIotId(db: Kysely<Database>, accountId: string, instanceId: string, iotId: string): Promise<DeviceRow | undefined> {
  return (await deviceByIotId(db, iotId, accountId, instanceId))[0];
}

/** Position of a device in QueryDevice order. */
export interface DeviceKeyset {
  readonly createdAt: number;
  readonly iotId: string;
}

/** Where a QueryDevice page starts: an offset, or after the last device already seen. */
export type DevicePageStart = { readonly offset: number } | { readonly after: DeviceKeyset };

/** A product's devices, newest first (ties broken by IotId, descending). */
export async function listDevices(
  db: Kysely<Database>,
  accountId: string,
  productKey: string,
  start: DevicePageStart,
  limit: number,
): Promise<DeviceRow[]> {
  let query = db.selectFrom('iot_devices').selectAll().where('product_key', '=', productKey).where('account_id', '=', accountId);
  if ('after' in start) {
    const { createdAt, iotId } = start.after;
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('iot_id', '<', iotId)])]),
    );
  }
  query = query.orderBy('created_at', 'desc').orderBy('iot_id', 'desc').limit(limit);
  if ('offset' in start) query = query.offset(start.offset);
  return query.execute();
}

/** Deletes a device and gives its place back to the product quota; false if there was none. */
export async function deleteDevice(db: Kysely<Database>, accountId: string, device: Pick<DeviceRow, 'iot_id' | 'product_key'>): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const deleted = await tx.deleteFrom('iot_devices').where('iot_id', '=', device.iot_id).where('account_id', '=', accountId).executeTakeFirst();
    if (deleted.numDeletedRows === 0n) return false;
    await tx
      .updateTable('iot_products')
      .set((eb) => ({ device_count: eb('device_count', '-', 1) }))
      .where('account_id', '=', accountId)
      .where('product_key', '=', device.product_key)
      .execute();
    return true;
  });
}

/**
 * Which of `names` already exist in the product: one statement whatever the list length, the
 * names bound as a single array parameter. On PostgreSQL `= any(array)` probes the unique
 * (product, name) index per name whatever the table statistics say; an IN-subquery over unnest
 * was planned as a nested loop on a freshly filled table.
 */
export async function existingDeviceNames(
  db: Kysely<Database>,
  dialect: Dialect,
  accountId: string,
  productKey: string,
  names: readonly string[],
): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  if (dialect === 'sqlite') {
    const rows =
      names.length <= SHORT_LIST
        ? await existingNamesListed(db, productKey, accountId, ...names)
        : await existingNamesSqlite(db, productKey, accountId, JSON.stringify(names));
    return new Set(rows.map((r) => r.device_name));
  }
  const rows = await db
    .selectFrom('iot_devices')
    .select('device_name')
    .where('product_key', '=', productKey)
    .where('account_id', '=', accountId)
    .where('device_name', '=', sql<string>`any(${names}::text[])`)
    .execute();
  return new Set(rows.map((r) => r.device_name));
}

/** Up to this many names are bound one by one (a statement per count); json_each would cost a temporary table. */
const SHORT_LIST = 16;

/** What an import check needs of the product: its key, and its device count for the quota. */
export type ImportedProduct = Pick<ProductRow, 'product_key' | 'device_count'>;

/**
 * The account's product of that key in that instance (the columns an import needs), with the
 * names among `names` its devices already use; undefined when there is no such product. A short
 * list is answered by one read: on SQLite each read outside a transaction is a read transaction
 * of its own (two file locks and a stat), which costs more than the point reads in it.
 */
export async function findProductWithDeviceNames(
  db: Kysely<Database>,
  dialect: Dialect,
  accountId: string,
  instanceId: string,
  productKey: string,
  names: readonly string[],
): Promise<{ product: ImportedProduct; existing: Set<string> } | undefined> {
  if (names.length === 0 || names.length > SHORT_LIST) {
    const product = await findProduct(db, accountId, instanceId, productKey);
    return product && { product: { product_key: product.product_key, device_count: product.device_count }, existing: await existingDeviceNames(db, dialect, accountId, productKey, names) };
  }
  const [row] = await productWithListedNames(db, productKey, accountId, instanceId, ...names);
  if (row === undefined) return undefined;
  // Column existing_<i> holds names[i] when the product has a device of that name, else null.
  const existing = new Set<string>();
  for (let i = 0; i < names.length; i++) {
    const name = row[`existing_${i}`];
    if (typeof name === 'string') existing.add(name);
  }
  return { product: { product_key: row.product_key, device_count: row.device_count }, existing };
}

type ProductWithListedNames = ImportedProduct & Record<`existing_${number}`, string | null>;

// Two product columns rather than all: the driver builds a JS object per row, its column names
// looked up in V8's string table one by one, and the sealed secret and texts copied for nothing.
// One point lookup per name, in a column of its own, rather than `device_name in (…)`: SQLite
// would build (and tear down) an ephemeral b-tree of the list on every execution.
const productWithListedNames = preparedQuery((db: Kysely<Database>, productKey: string, accountId: string, instanceId: string, ...names: string[]) =>
  db
    .selectFrom('iot_products as p')
    .select(['p.product_key', 'p.device_count'])
    .select((eb) =>
      names.map((name, i) =>
        eb
          .selectFrom('iot_devices as d')
          .select('d.device_name')
          .whereRef('d.product_key', '=', 'p.product_key')
          .whereRef('d.account_id', '=', 'p.account_id')
          .where('d.device_name', '=', name)
          .as(`existing_${i}`),
      ),
    )
    .where('p.product_key', '=', productKey)
    .where('p.account_id', '=', accountId)
    .where('p.instance_id', '=', instanceId)
    .$castTo<ProductWithListedNames>(),
);

const existingNamesListed = preparedQuery((db: Kysely<Database>, productKey: string, accountId: string, ...names: string[]) =>
  db.selectFrom('iot_devices').select('device_name').where('product_key', '=', productKey).where('account_id', '=', accountId).where('device_name', 'in', names),
);

// Longer lists on SQLite travel as one JSON array text, so the statement is prepared once.
const existingNamesSqlite = preparedQuery((db: Kysely<Database>, productKey: string, accountId: string, namesJson: string) =>
  db
    .selectFrom('iot_devices')
    .select('device_name')
    .where('product_key', '=', productKey)
    .where('account_id', '=', accountId)
    .where('device_name', 'in', sql<string>`(select value from json_each(${namesJson}))`),
);

const deviceByKey = preparedQuery((db: Kysely<Database>, productKey: string, deviceName: string) =>
  db.selectFrom('iot_devices').selectAll().where('product_key', '=', productKey).where('device_name', '=', deviceName),
);

/** The device a device-side login names (any account's: ProductKeys are unique platform-wide). */
export async function findDeviceByKey(db: Kysely<Database>, productKey: string, deviceName: string): Promise<DeviceRow | undefined> {
  return (await deviceByKey(db, productKey, deviceName))[0];
}

/** One page of a product's devices by DeviceName (the unique index), optionally by name prefix. */
export async function devicePage(db: Kysely<Database>, accountId: string, productKey: string, namePrefix: string | undefined, page: KeysetPage): Promise<Keyed<DeviceRow>> {
  const query = db
    .selectFrom('iot_devices')
    .selectAll()
    .where('product_key', '=', productKey)
    .where('account_id', '=', accountId)
    .$if(namePrefix !== undefined, (q) => q.where(startsWith('device_name', namePrefix!)));
  return readKeysetPage(query, { columns: ['device_name'], direction: 'asc', position: (row) => [row.device_name] }, page);
}
