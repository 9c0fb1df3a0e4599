import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, openTestStore } from '../support/databases.ts';
import type { Store } from '../../src/storage/database.ts';
import { dataTables } from '../../src/storage/data-tables.ts';
import { SnapshotRefused, dropAllState, restoreSnapshot, saveSnapshot } from '../../src/storage/state.ts';
import { createAccountWithKeys } from '../../src/core/bootstrap.ts';
import { listAccounts } from '../../src/core/accounts.ts';
import { listPrices } from '../../src/billing/prices.ts';
import type { SecretBox } from '../../src/core/secret-box.ts';
import { checkMasterKey } from '../../src/core/master-key-check.ts';

describe.each(STORE_KINDS)('whole-state operations on %s', (kind) => {
  let store: Store;
  let secrets: SecretBox;
  let close: () => Promise<void>;
  const dir = mkdtempSync(join(tmpdir(), 'fleetgate-state-'));
  beforeAll(async () => {
    ({ store, secrets, close } = await openTestStore(kind));
  });
  afterAll(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the state tables parents first, without the bookkeeping ones', async () => {
    const names = (await dataTables(store)).map((table) => table.name);
    const before = (parent: string, child: string) => expect(names.indexOf(parent), `${parent} before ${child}`).toBeLessThan(names.indexOf(child));
    before('accounts', 'credentials');
    before('mna_vendors', 'mna_hardware');
    before('mna_hardware', 'mna_devices');
    before('iot_import_jobs', 'iot_import_rows');
    expect(names.filter((name) => name.startsWith('kysely_') || name.startsWith('sqlite_') || name === 'core_settings')).toEqual([]);
  });

  it('dropping all state keeps the price list, configuration the migration filled: paying actions still have their prices', async () => {
    expect((await dataTables(store)).map((table) => table.name)).not.toContain('billing_prices');
    await dropAllState(store);
    expect((await listPrices(store.db)).length).toBeGreaterThan(0);
  });

  it('a snapshot restores what was dropped; a file that is no snapshot of this engine is refused and changes nothing', async () => {
    await createAccountWithKeys(store.db, secrets, { name: 'kept', now: 1 });
    const file = join(dir, 'snapshot');
    await saveSnapshot(store, file);
    await dropAllState(store);
    expect(await listAccounts(store.db)).toEqual([]);
    await restoreSnapshot(store, file);
    expect((await listAccounts(store.db)).map((account) => account.name)).toEqual(['kept']);

    const junk = join(dir, 'junk');
    writeFileSync(junk, kind === 'postgres' ? 'SQLite format 3\0' : '{"format":"fleetgate-snapshot"}');
    await expect(restoreSnapshot(store, junk)).rejects.toBeInstanceOf(SnapshotRefused);
    expect((await listAccounts(store.db)).map((account) => account.name)).toEqual(['kept']);
  });

  it("refuses another database's snapshot: its secrets are sealed under another master key", async () => {
    const other = await openTestStore(kind);
    try {
      await Promise.all([checkMasterKey(store.db, secrets, 1), checkMasterKey(other.store.db, other.secrets, 1)]);
      const file = join(dir, 'other');
      await saveSnapshot(other.store, file);
      await expect(restoreSnapshot(store, file)).rejects.toThrow(/another database/);
    } finally {
      await other.close();
    }
  });
});
