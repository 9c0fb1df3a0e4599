import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Migrator, sql } from 'kysely';
import { openStore, type Store } from '../../src/storage/database.ts';
import { MIGRATIONS, migrateToLatest } from '../../src/storage/migrate.ts';
import { ownedDeviceIds } from '../../src/services/tencent/mna/store/devices.ts';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleetgate-stats-'));
  store = openStore({ location: join(dir, 'fleetgate.db') });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const listingStat = async () =>
  (await sql<{ stat: string }>`select stat from sqlite_stat1 where tbl = 'mna_devices' and idx = 'mna_devices_listing'`.execute(store.db)).rows.map((r) => r.stat);

async function addDevices(count: number): Promise<void> {
  await sql`insert into accounts (id, name, status, created_at) values ('big', 'big', 'active', 1)`.execute(store.db);
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < count; i += 500) {
      const rows = Array.from({ length: Math.min(500, count - i) }, (_, k) => ({
        device_id: `mna-${String(i + k).padStart(10, '0')}`,
        account_id: 'big',
        device_name: `d${i + k}`,
        remark: '',
        data_key_sealed: 'x',
        data_key_digest: `k${i + k}`,
        access_scope: 0,
        license_pay_mode: 0,
        flow_trunc: 0,
        group_id: null,
        hardware_id: null,
        created_at: 1,
      }));
      await trx.insertInto('mna_devices').values(rows).execute();
    }
  });
}

describe('0007: SQLite planner statistics for the tenant-prefixed listing indexes', () => {
  it('an account-scoped lookup of 20 DeviceIds goes by primary key, not through all of the account on the listing index', async () => {
    await migrateToLatest(store);
    await addDevices(5000);
    const ids = Array.from({ length: 20 }, (_, i) => `mna-${String(i * 97).padStart(10, '0')}`);
    const plan = await sql<{ detail: string }>`explain query plan select device_id from mna_devices where account_id = ${'big'} and device_id in (${sql.join(ids)})`.execute(store.db);
    expect(plan.rows.map((r) => r.detail)).toEqual(['SEARCH mna_devices USING INDEX sqlite_autoindex_mna_devices_1 (device_id=?)']);
    expect(await ownedDeviceIds(store.db, 'big', ids)).toEqual(new Set(ids));
  });

  it('indexes SQLite has measured keep their statistics', async () => {
    const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => MIGRATIONS } });
    const before = await migrator.migrateTo('0006_core_settings');
    if (before.error) throw before.error;
    await addDevices(300);
    await sql`analyze`.execute(store.db);
    const measured = await listingStat();
    await migrateToLatest(store);
    expect(await listingStat()).toEqual(measured);
    expect(measured[0]).toMatch(/^300 /);
  });

  it('down removes the seeded statistics and up puts them back', async () => {
    const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => MIGRATIONS } });
    await migrateToLatest(store);
    expect(await listingStat()).toEqual(['1000000 10000 2 1']);
    const down = await migrator.migrateTo('0006_core_settings');
    if (down.error) throw down.error;
    expect(await listingStat()).toEqual([]);
    await migrateToLatest(store);
    expect(await listingStat()).toEqual(['1000000 10000 2 1']);
  });
});
