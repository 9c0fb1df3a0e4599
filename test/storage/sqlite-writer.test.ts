import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import SQLite from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { openStore, type Store } from '../../src/storage/database.ts';
import { isUniqueViolation } from '../../src/storage/constraints.ts';
import { isUnmetExpectation } from '../../src/storage/atomic-write.ts';
import { SplitSqliteDialect } from '../../src/storage/sqlite-writer.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { preparedQuery } from '../../src/storage/prepared-query.ts';
import type { Database } from '../../src/storage/schema.ts';
import { signal } from '../support/signal.ts';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fleetgate-writer-'));
  store = openStore({ location: join(dir, 'writer.db') });
  await sql`create table counters (name text primary key, value integer not null)`.execute(store.db);
  await sql`insert into counters (name, value) values ('a', 0)`.execute(store.db);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const readA = async (db = store.db) =>
  (await db.selectFrom('counters' as never).select(sql<number>`value`.as('value')).where(sql.ref('name'), '=', 'a').executeTakeFirstOrThrow()) as { value: number };

describe('SQLite file store: small atomic writes on the event loop, other writes on the writer thread, reads on the event loop', () => {
  it('a read after a committed write sees it', async () => {
    await sql`update counters set value = 7 where name = 'a'`.execute(store.db);
    expect((await readA()).value).toBe(7);
  });

  it('a read outside an open transaction neither waits for it nor sees its uncommitted writes', async () => {
    const [held, finished] = [signal(), signal()];
    const transaction = store.db.transaction().execute(async (trx) => {
      await sql`update counters set value = 1 where name = 'a'`.execute(trx);
      held.fire();
      await finished.fired;
    });
    await held.fired;
    expect((await readA()).value).toBe(0);
    finished.fire();
    await transaction;
    expect((await readA()).value).toBe(1);
  });

  it('a transaction that throws leaves nothing behind', async () => {
    await expect(
      store.db.transaction().execute(async (trx) => {
        await sql`update counters set value = 5 where name = 'a'`.execute(trx);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await readA()).value).toBe(0);
  });

  it('when BEGIN fails, the statements sent after it do not run on their own', { timeout: 30_000 }, async () => {
    // Another process holds the write lock past busy_timeout (5 s), so BEGIN fails; it lets go a
    // second later, while the transaction's INSERT, already queued behind BEGIN, could still run.
    const otherProcess = new SQLite(join(dir, 'writer.db'));
    otherProcess.prepare('begin immediate').run();
    const letGo = setTimeout(() => {
      otherProcess.prepare('rollback').run();
      otherProcess.close();
    }, 6_000);
    try {
      const failure = await store.db
        .transaction()
        .execute(async (trx) => {
          await sql`insert into counters (name, value) values ('lost', 1)`.execute(trx);
        })
        .catch((error: unknown) => error);
      expect((failure as { code?: string }).code).toBe('SQLITE_BUSY');
    } finally {
      await new Promise((resolve) => setTimeout(resolve, 6_500));
      clearTimeout(letGo);
    }
    const { rows } = await sql<{ n: number }>`select count(*) as n from counters where name = 'lost'`.execute(store.db);
    expect(rows[0]!.n).toBe(0);
    // And the store goes on working.
    await sql`insert into counters (name, value) values ('after', 1)`.execute(store.db);
  });

  it('a group of atomic writes that cannot begin (another process holds the lock) fails once, after one busy_timeout', { timeout: 30_000 }, async () => {
    const otherProcess = new SQLite(join(dir, 'writer.db'));
    otherProcess.prepare('begin immediate').run();
    try {
      const increment = { query: sql`update counters set value = value + 1 where name = 'a'`.compile(store.db), expectedChanges: 1 };
      const started = performance.now();
      const outcomes = await Promise.allSettled([store.writeAtomically([increment]), store.writeAtomically([increment])]);
      // One wait of busy_timeout (5 s), not a second one for a re-run with savepoints.
      expect(performance.now() - started).toBeLessThan(8_000);
      expect(outcomes.map((outcome) => (outcome.status === 'rejected' ? (outcome.reason as { code?: string }).code : 'ok'))).toEqual(['SQLITE_BUSY', 'SQLITE_BUSY']);
    } finally {
      otherProcess.prepare('rollback').run();
      otherProcess.close();
    }
    expect((await readA()).value).toBe(0);
  });

  it('a small atomic write never waits on the event loop for a write lock another process holds: the writer thread waits, and it commits once the lock is free', { timeout: 30_000 }, async () => {
    const otherProcess = new SQLite(join(dir, 'writer.db'));
    otherProcess.prepare('begin immediate').run();
    let longestGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 5);
    try {
      const increment = { query: sql`update counters set value = value + 1 where name = 'a'`.compile(store.db), expectedChanges: 1 };
      const written = store.writeAtomically([increment]);
      setTimeout(() => otherProcess.prepare('rollback').run(), 500);
      await written;
    } finally {
      clearInterval(ticker);
      if (otherProcess.inTransaction) otherProcess.prepare('rollback').run();
      otherProcess.close();
    }
    expect(longestGap).toBeLessThan(250);
    expect((await readA()).value).toBe(1);
  });

  it('small and large atomic writes sent together each commit alone: 20 guarded increments of each size against a cap of 10 make exactly 10', async () => {
    const small = { query: sql`update counters set value = value + 1 where name = 'a' and value < 10`.compile(store.db), expectedChanges: 1 };
    // Over 256 parameters: the writer thread's group.
    const names = Array.from({ length: 300 }, (_, i) => `not-${i}`);
    const large = {
      query: sql`update counters set value = value + 1 where name = 'a' and value < 10 and name not in (${sql.join(names)})`.compile(store.db),
      expectedChanges: 1,
    };
    const outcomes = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => store.writeAtomically([i % 2 === 0 ? small : large])));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
    expect(outcomes.filter((o) => o.status === 'rejected' && isUnmetExpectation(o.reason))).toHaveLength(30);
    expect((await readA()).value).toBe(10);
  });

  it('on one held connection, a transaction ends at its commit: later statements run on their own and others may write', async () => {
    await store.db.connection().execute(async (connection) => {
      await connection.transaction().execute(async (trx) => {
        await sql`update counters set value = 1 where name = 'a'`.execute(trx);
      });
      await sql`insert into counters (name, value) values ('b', 2)`.execute(connection);
      // A write from outside the held connection is not stuck behind a lock that transaction kept.
      await sql`insert into counters (name, value) values ('c', 3)`.execute(store.db);
    });
    const { rows } = await sql<{ n: number }>`select count(*) as n from counters`.execute(store.db);
    expect(rows[0]!.n).toBe(3);
  });

  it('concurrent read-modify-write transactions never lose an update', async () => {
    await Promise.all(
      Array.from({ length: 25 }, () =>
        store.db.transaction().execute(async (trx) => {
          const { value } = await readA(trx);
          await sql`update counters set value = ${value + 1} where name = 'a'`.execute(trx);
        }),
      ),
    );
    expect((await readA()).value).toBe(25);
  });

  it('atomic writes sent together stay one transaction each: 30 guarded increments against a cap of 10 make exactly 10', async () => {
    const increment = { query: sql`update counters set value = value + 1 where name = 'a' and value < 10`.compile(store.db), expectedChanges: 1 };
    const outcomes = await Promise.allSettled(Array.from({ length: 30 }, () => store.writeAtomically([increment])));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
    expect(outcomes.filter((o) => o.status === 'rejected' && isUnmetExpectation(o.reason))).toHaveLength(20);
    expect((await readA()).value).toBe(10);
  });

  it('an atomic write asked for while a transaction is open waits for it: it neither runs inside it nor is rolled back with it', async () => {
    const [held, finished] = [signal(), signal()];
    const transaction = store.db.transaction().execute(async (trx) => {
      await sql`update counters set value = 100 where name = 'a'`.execute(trx);
      held.fire();
      await finished.fired;
      throw new Error('changed my mind');
    });
    await held.fired;
    const write = store.writeAtomically([{ query: sql`update counters set value = value + 1 where name = 'a'`.compile(store.db), expectedChanges: 1 }]);
    finished.fire();
    await expect(transaction).rejects.toThrow('changed my mind');
    await write;
    expect((await readA()).value).toBe(1);
  });

  it('a constraint failure keeps its SQLite code across the thread boundary', async () => {
    const failure = await sql`insert into counters (name, value) values ('a', 1)`.execute(store.db).catch((error: unknown) => error);
    expect(isUniqueViolation(failure)).toBe(true);
    expect((failure as Error).message).toMatch(/UNIQUE constraint failed: counters.name/);
  });

  it('RETURNING rows come back from the writer', async () => {
    const { rows } = await sql<{ value: number }>`update counters set value = value + 2 where name = 'a' returning value`.execute(store.db);
    expect(rows).toEqual([{ value: 2 }]);
  });

  it('close lets a transaction in progress commit, and the file holds it afterwards', async () => {
    const begun = signal();
    const transaction = store.db.transaction().execute(async (trx) => {
      await sql`insert into counters (name, value) values ('b', 1)`.execute(trx);
      begun.fire();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await sql`insert into counters (name, value) values ('c', 2)`.execute(trx);
    });
    await begun.fired;
    await store.close();
    await transaction;
    store = openStore({ location: join(dir, 'writer.db') });
    const { rows } = await sql<{ n: number }>`select count(*) as n from counters`.execute(store.db);
    expect(rows[0]!.n).toBe(3);
  });
});

describe('prepared reads on a SQLite file store', () => {
  it('outside a transaction read the committed state directly; inside one, its own uncommitted writes', async () => {
    const store = openStore({ location: join(dir, 'prepared.db') });
    try {
      await migrateToLatest(store);
      await store.db.insertInto('accounts').values({ id: '1', name: 'before', status: 'active', created_at: 1 }).execute();
      const nameOf = preparedQuery((db: Kysely<Database>, id: string) => db.selectFrom('accounts').select('name').where('id', '=', id));
      expect(await nameOf(store.db, '1')).toEqual([{ name: 'before' }]);
      await store.db.transaction().execute(async (trx) => {
        await trx.updateTable('accounts').set({ name: 'inside' }).where('id', '=', '1').execute();
        expect(await nameOf(trx, '1')).toEqual([{ name: 'inside' }]);
        expect(await nameOf(store.db, '1')).toEqual([{ name: 'before' }]);
      });
      expect(await nameOf(store.db, '1')).toEqual([{ name: 'inside' }]);
    } finally {
      await store.close();
    }
  });
});

describe('the writer thread itself', () => {
  const openDialect = (file: string, onWriterFailure: (error: unknown) => void = () => {}) => {
    const dialect = new SplitSqliteDialect({ file, reader: new SQLite(':memory:'), onWriterFailure });
    return { dialect, db: new Kysely<unknown>({ dialect }) };
  };

  it('leaves checkpoints to the checkpointer thread until told to checkpoint inline again', async () => {
    const { dialect, db } = openDialect(join(dir, 'inline.db'));
    try {
      const setting = async () => (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db)).rows[0]!.wal_autocheckpoint;
      expect(await setting()).toBe(0);
      await dialect.checkpointInline();
      expect(await setting()).toBe(1000);
    } finally {
      await db.destroy();
    }
  });

  it('once told to checkpoint inline, small atomic writes committed on the event loop checkpoint the WAL too', { timeout: 30_000 }, async () => {
    const file = join(dir, 'small-inline.db');
    const { dialect, db } = openDialect(file);
    const side = new SQLite(file);
    const framesInWal = () => (side.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log;
    try {
      await sql`create table pages (id integer primary key, filler blob not null)`.execute(db);
      // Each write fills a page of its own: 1,200 of them cross the 1,000-page checkpoint line.
      const insert = (i: number) => ({ query: sql`insert into pages (id, filler) values (${i}, zeroblob(3000))`.compile(db) });
      for (let i = 0; i < 1_200; i++) await dialect.writeAtomically([insert(i)]);
      // Left to the checkpointer (none runs here), the WAL only grows; the side connection's passive checkpoint copies it back without resetting it.
      expect(framesInWal()).toBeGreaterThanOrEqual(1_200);
      await dialect.checkpointInline();
      for (let i = 1_200; i < 2_400; i++) await dialect.writeAtomically([insert(i)]);
      expect(framesInWal()).toBeLessThan(1_200);
    } finally {
      side.close();
      await db.destroy();
    }
  });

  it('once the store is closed, an atomic write of either size is refused and writes nothing', async () => {
    const file = join(dir, 'closed.db');
    const { dialect, db } = openDialect(file);
    await sql`create table t (x integer)`.execute(db);
    const small = { query: sql`insert into t (x) values (${1})`.compile(db) };
    await dialect.writeAtomically([small]);
    await db.destroy();
    const large = { query: sql`insert into t (x) select 2 where 2 not in (${sql.join(Array.from({ length: 300 }, (_, i) => i + 10))})`.compile(db) };
    await expect(dialect.writeAtomically([small])).rejects.toThrow(/closed/);
    await expect(dialect.writeAtomically([large])).rejects.toThrow(/closed/);
    const side = new SQLite(file);
    try {
      expect(side.prepare('select x from t').all()).toEqual([{ x: 1 }]);
    } finally {
      side.close();
    }
  });

  it('a thread that cannot run fails the waiting query, is reported, and the next query starts another', async () => {
    const failures: unknown[] = [];
    const { db } = openDialect(join(dir, 'no-such-dir', 'lost.db'), (error) => failures.push(error));
    try {
      await expect(sql`create table t (x integer)`.execute(db)).rejects.toThrow(/directory does not exist|unable to open/i);
      await expect(sql`create table t (x integer)`.execute(db)).rejects.toThrow(/directory does not exist|unable to open/i);
      expect(failures).toHaveLength(2);
    } finally {
      await db.destroy();
    }
  });
});
