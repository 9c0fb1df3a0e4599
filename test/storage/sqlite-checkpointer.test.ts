import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/storage/database.ts';

const dir = mkdtempSync(join(tmpdir(), 'fleetgate-wal-'));
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SQLite checkpoints off the event loop', () => {
  it('keeps the WAL bounded although the serving connection never checkpoints itself', async () => {
    const file = join(dir, 'wal.db');
    store = openStore({ location: file, checkpointEveryMs: 100 });
    const autocheckpoint = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db);
    expect(autocheckpoint.rows[0]!.wal_autocheckpoint).toBe(0);

    await sql`create table blobs (id integer primary key, body text not null)`.execute(store.db);
    const chunk = 'x'.repeat(64 * 1024);
    // 32 MB in three bursts with pauses the checkpointer can use.
    for (let burst = 0; burst < 3; burst++) {
      for (let i = 0; i < 170; i++) await sql`insert into blobs (body) values (${chunk})`.execute(store.db);
      // Five checkpointer periods: enough even on a loaded machine.
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // The checkpointer has copied the frames back: the next write starts the WAL over.
    await sql`insert into blobs (body) values ('last')`.execute(store.db);
    expect(statSync(`${file}-wal`).size).toBeLessThan(16 * 1024 * 1024);
    const rows = await sql<{ n: number }>`select count(*) as n from blobs`.execute(store.db);
    expect(rows.rows[0]!.n).toBe(511);
  });
});
