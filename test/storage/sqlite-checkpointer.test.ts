import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
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
  store = undefined;
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

/** The WAL header's salt-1, which SQLite adds one to each time it starts the WAL over. */
function walSalt(file: string): number {
  const header = Buffer.alloc(32);
  const fd = openSync(`${file}-wal`, 'r');
  try {
    readSync(fd, header, 0, 32, 0);
  } finally {
    closeSync(fd);
  }
  return header.readUInt32BE(16);
}

describe('SQLite checkpoints under a steady stream of writes', () => {
  it('starts the WAL over although writes never pause, so its file does not grow with all that is written', async () => {
    const file = join(dir, 'stream.db');
    store = openStore({ location: file, checkpointEveryMs: 100 });
    await sql`create table blobs (id integer primary key, body text not null)`.execute(store.db);
    const chunk = 'x'.repeat(64 * 1024);
    const cap = 512 * 1024 * 1024;
    const saltBefore = walSalt(file);
    const restarts = () => (walSalt(file) - saltBefore) >>> 0;
    let written = 0;
    // 64 KB commits back to back, four in flight, until the WAL has started over twice: the
    // checkpoints' PASSIVE passes alone never catch up, and before, the WAL held all 512 MiB.
    while (restarts() < 2 && written < cap) {
      await Promise.all(Array.from({ length: 4 }, () => sql`insert into blobs (body) values (${chunk})`.execute(store!.db)));
      written += 4 * chunk.length;
    }
    expect(restarts()).toBeGreaterThanOrEqual(2);
  });

  it('writing connections cut a WAL file back to 64 MiB when the WAL starts over (journal_size_limit)', async () => {
    store = openStore({ location: join(dir, 'limit.db') });
    await sql`create table t (id integer primary key)`.execute(store.db);
    const limit = await sql<{ journal_size_limit: number }>`pragma journal_size_limit`.execute(store.db);
    expect(limit.rows[0]!.journal_size_limit).toBe(64 * 1024 * 1024);
  });
});
