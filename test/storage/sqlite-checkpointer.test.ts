import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/storage/database.ts';

let dir: string;
let store: Store | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleetgate-wal-'));
});
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

describe('SQLite checkpoints under a steady stream of writes', () => {
  it('starts the WAL over although writes never pause: its file does not grow with what is written, and is cut back to 64 MiB', async () => {
    const file = join(dir, 'stream.db');
    store = openStore({ location: file, checkpointEveryMs: 100 });
    await sql`create table blobs (id integer primary key, body text not null)`.execute(store.db);
    const chunk = 'x'.repeat(64 * 1024);
    const written = 256 * 1024 * 1024;
    let largest = 0;
    // 64 KB commits back to back, four in flight: a checkpoint never finds the writer idle.
    for (let bytes = 0; bytes < written; bytes += 4 * chunk.length) {
      await Promise.all(Array.from({ length: 4 }, () => sql`insert into blobs (body) values (${chunk})`.execute(store!.db)));
      largest = Math.max(largest, statSync(`${file}-wal`).size);
    }
    // Before, the WAL held everything written (a checkpoint that never catches up cannot restart it).
    expect(largest).toBeLessThan(written / 2);
    // Once the stream stops, the next commit after a checkpoint starts the WAL over and cuts its file back.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await sql`insert into blobs (body) values ('last')`.execute(store.db);
    expect(statSync(`${file}-wal`).size).toBeLessThanOrEqual(64 * 1024 * 1024);
  });
});
