import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Migrator, sql, type Kysely } from 'kysely';
import { openStore, type Store } from '../../src/storage/database.ts';
import { MIGRATIONS, migrateToLatest } from '../../src/storage/migrate.ts';
import * as mnaHardwareDevice from '../../src/storage/migrations/0005_mna_hardware_device.ts';
import { brokenUniqueRule } from '../../src/services/tencent/mna/store/constraints.ts';
import { isForeignKeyViolation } from '../../src/storage/constraints.ts';
import { freshPostgresSchema } from '../support/databases.ts';

/** In memory and in a file, SQLite runs on different connections (a file store writes on a thread of its own). */
const STORES = ['sqlite', 'sqlite file', 'postgres'] as const;
type StoreKind = (typeof STORES)[number];

async function openEmpty(kind: StoreKind): Promise<{ store: Store; close: () => Promise<void> }> {
  if (kind === 'postgres') {
    const schema = await freshPostgresSchema();
    const store = openStore({ location: schema.url });
    const close = async () => {
      await store.close();
      await schema.drop();
    };
    return { store, close };
  }
  const dir = kind === 'sqlite file' ? mkdtempSync(join(tmpdir(), 'fleetgate-migration-')) : undefined;
  const store = openStore({ location: dir ? join(dir, 'fleetgate.db') : ':memory:' });
  const close = async () => {
    await store.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  return { store, close };
}

/** A store migrated to 0004, with a migrator that moves it along the same history. */
async function openAt0004(kind: StoreKind): Promise<{ store: Store; migrator: Migrator; close: () => Promise<void> }> {
  const { store, close } = await openEmpty(kind);
  const { rows } = store.dialect === 'postgres' ? await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db) : { rows: [] };
  const migrator = new Migrator({
    db: store.db,
    provider: {
      getMigrations: async () => MIGRATIONS,
    },
    // Kysely's bookkeeping pinned to this schema, as migrateToLatest pins it.
    ...(rows[0] ? { migrationTableSchema: rows[0].schema } : {}),
  });
  const result = await migrator.migrateTo('0004_mna_group_index');
  if (result.error) throw result.error;
  return { store, migrator, close };
}

const T = 1_700_000_000_000;
const device = (device_id: string, hardware_id: string | null, group_id: string | null) => ({
  device_id,
  account_id: 'customer',
  device_name: `name-${device_id}`,
  remark: '',
  data_key_sealed: `sealed-${device_id}`,
  data_key_digest: `digest-${device_id}`,
  access_scope: 0,
  license_pay_mode: 1,
  flow_trunc: 0,
  group_id,
  hardware_id,
  created_at: T,
});
const hardware = (hardware_id: string, sn: string, activated: boolean) => ({
  hardware_id,
  account_id: 'vendor',
  sn,
  license_charging_mode: 1,
  description: '',
  status: activated ? (2 as const) : (1 as const),
  created_at: T,
  activated_at: activated ? T : null,
  owner_account_id: activated ? 'customer' : null,
});
const nic = (device_id: string, net_info_name: string) => ({ account_id: 'customer', device_id, net_info_name, type: 0, data_enable: 1, upload_limit: 0, download_limit: 0 });

/** Two activated devices (one grouped, both with NICs), an own device with a NIC, hardware still to be activated. */
async function seed(store: Store): Promise<void> {
  const { db } = store;
  await db.insertInto('accounts').values(['vendor', 'customer'].map((id) => ({ id, name: id, status: 'active', created_at: T }))).execute();
  await db.insertInto('mna_vendors').values({ account_id: 'vendor', name: 'Acme', created_at: T }).execute();
  await db.insertInto('mna_hardware').values([hardware('cpe-h1', 'SN1', true), hardware('cpe-h2', 'SN2', true), hardware('cpe-h3', 'SN3', false)]).execute();
  await db.insertInto('mna_groups').values({ group_id: 'cliGrp-g1', account_id: 'customer', group_name: 'g1', description: '', created_at: T, updated_at: T }).execute();
  await db.insertInto('mna_devices').values([device('mna-d1', 'cpe-h1', null), device('mna-d2', 'cpe-h2', 'cliGrp-g1'), device('mna-d3', null, null)]).execute();
  await db.insertInto('mna_device_nics').values([nic('mna-d1', 'eth0'), nic('mna-d1', 'wlan0'), nic('mna-d2', 'eth0'), nic('mna-d3', 'eth0')]).execute();
}

/** Everything seeded, in a stable order; hardware without the column 0005 adds. */
async function contents(store: Store) {
  const { db } = store;
  return {
    hardware: await db.selectFrom('mna_hardware').select(['hardware_id', 'account_id', 'sn', 'license_charging_mode', 'description', 'status', 'created_at', 'activated_at', 'owner_account_id']).orderBy('hardware_id').execute(),
    groups: await db.selectFrom('mna_groups').selectAll().orderBy('group_id').execute(),
    devices: await db.selectFrom('mna_devices').selectAll().orderBy('device_id').execute(),
    nics: await db.selectFrom('mna_device_nics').selectAll().orderBy('device_id').orderBy('net_info_name').execute(),
  };
}

/** mna_devices' named constraints, and its other indexes with whether each is partial. */
async function deviceTableShape(store: Store): Promise<{ constraints: string[]; indexes: Record<string, boolean> }> {
  const { db } = store;
  let constraints: string[];
  let indexes: { name: string; definition: string }[];
  if (store.dialect === 'sqlite') {
    const table = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'mna_devices'`.execute(db);
    constraints = [...table.rows[0]!.sql.matchAll(/constraint "([^"]+)"/g)].map((m) => m[1]!);
    // Indexes SQLite makes for constraints itself have no SQL.
    indexes = (await sql<{ name: string; definition: string }>`select name, sql as definition from sqlite_master where type = 'index' and tbl_name = 'mna_devices' and sql is not null`.execute(db)).rows;
  } else {
    const named = await sql<{ name: string }>`select conname as name from pg_constraint where conrelid = 'mna_devices'::regclass and contype in ('u', 'f')`.execute(db);
    constraints = named.rows.map((row) => row.name);
    indexes = (
      await sql<{ name: string; definition: string }>`
        select indexname as name, indexdef as definition from pg_indexes
        where schemaname = current_schema() and tablename = 'mna_devices'
          and indexname not in (select conname from pg_constraint where conrelid = 'mna_devices'::regclass)`.execute(db)
    ).rows;
  }
  return { constraints: constraints.sort(), indexes: Object.fromEntries(indexes.map((index) => [index.name, /\swhere\s/i.test(index.definition)])) };
}

const NAMED_CONSTRAINTS = ['mna_devices_data_key_unique', 'mna_devices_group_fk', 'mna_devices_hardware_fk', 'mna_devices_name_unique'];
const INDEXES = { mna_devices_group: true, mna_devices_listing: false };

async function rejection(write: Promise<unknown>): Promise<unknown> {
  return write.then(
    () => expect.fail('the write should have been refused'),
    (error: unknown) => error,
  );
}

describe.each(STORES)('migration 0005_mna_hardware_device (%s)', (kind) => {
  // PostgreSQL also names the inline account reference; SQLite leaves it unnamed.
  const kept = [...NAMED_CONSTRAINTS, ...(kind === 'postgres' ? ['mna_devices_account_id_fkey'] : [])].sort();
  const with0004Unique = [...kept, 'mna_devices_hardware_unique'].sort();
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('records each hardware row\'s device and drops the hardware unique, losing no device, NIC or group', async () => {
    const opened = await openAt0004(kind);
    close = opened.close;
    const { store } = opened;
    await seed(store);
    const before = await contents(store);
    expect(await deviceTableShape(store)).toEqual({ constraints: with0004Unique, indexes: INDEXES });

    await migrateToLatest(store);

    expect(await contents(store)).toEqual(before);
    const links = await store.db.selectFrom('mna_hardware').select(['hardware_id', 'device_id']).orderBy('hardware_id').execute();
    expect(links).toEqual([
      { hardware_id: 'cpe-h1', device_id: 'mna-d1' },
      { hardware_id: 'cpe-h2', device_id: 'mna-d2' },
      { hardware_id: 'cpe-h3', device_id: null },
    ]);
    expect(await deviceTableShape(store)).toEqual({ constraints: kept, indexes: INDEXES });
    if (store.dialect === 'sqlite') expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(store.db)).rows[0]!.foreign_keys).toBe(1);

    // The rebuilt table's rules still hold, and the ones pointing at it still act.
    const { db } = store;
    expect(brokenUniqueRule(await rejection(db.insertInto('mna_devices').values({ ...device('mna-d4', null, null), device_name: 'name-mna-d1' }).execute()))).toBe('mna_devices_name_unique');
    expect(isForeignKeyViolation(await rejection(db.insertInto('mna_devices').values(device('mna-d4', 'cpe-none', null)).execute()))).toBe(true);
    expect(isForeignKeyViolation(await rejection(db.insertInto('mna_devices').values({ ...device('mna-d4', null, null), account_id: 'nobody' }).execute()))).toBe(true);
    await db.deleteFrom('mna_groups').where('group_id', '=', 'cliGrp-g1').execute();
    expect((await db.selectFrom('mna_devices').select('group_id').where('device_id', '=', 'mna-d2').executeTakeFirstOrThrow()).group_id).toBeNull();
    await db.deleteFrom('mna_devices').where('device_id', '=', 'mna-d1').execute();
    expect(await db.selectFrom('mna_device_nics').select('device_id').distinct().orderBy('device_id').execute()).toEqual([{ device_id: 'mna-d2' }, { device_id: 'mna-d3' }]);
  });

  it('reverts to the 0004 schema with every row kept, and upgrades again', async () => {
    const opened = await openAt0004(kind);
    close = opened.close;
    const { store, migrator } = opened;
    await seed(store);
    const before = await contents(store);
    await migrateToLatest(store);

    const down = await migrator.migrateTo('0004_mna_group_index');
    if (down.error) throw down.error;
    expect(await contents(store)).toEqual(before);
    expect(await deviceTableShape(store)).toEqual({ constraints: with0004Unique, indexes: INDEXES });

    await migrateToLatest(store);
    expect(await contents(store)).toEqual(before);
    expect(await store.db.selectFrom('mna_hardware').select('device_id').where('hardware_id', '=', 'cpe-h1').executeTakeFirstOrThrow()).toEqual({ device_id: 'mna-d1' });
  });

  it.skipIf(kind === 'postgres')('refuses to rebuild inside a transaction, where SQLite keeps foreign keys on and the drop would cascade', async () => {
    const opened = await openAt0004(kind);
    close = opened.close;
    const { store } = opened;
    await seed(store);
    const before = await contents(store);
    // A migration sees the database untyped, as the Migrator hands it over.
    const inTransaction = store.db.transaction().execute((trx) => mnaHardwareDevice.up(trx as unknown as Kysely<unknown>));
    await expect(inTransaction).rejects.toThrow(/foreign keys stay on inside a transaction/);
    expect(await contents(store)).toEqual(before);
  });
});
