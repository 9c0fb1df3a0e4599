import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql, type CompiledQuery } from 'kysely';
import { openStore, type Store } from '../../src/storage/database.ts';
import { isUniqueViolation } from '../../src/storage/constraints.ts';
import { isUnmetExpectation } from '../../src/storage/atomic-write.ts';
import { freshPostgresSchema } from '../support/databases.ts';
import { signal } from '../support/signal.ts';

/** Every kind of store: a SQLite file (writer thread), in-memory SQLite and PostgreSQL. */
const STORES = {
  'SQLite file': async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetgate-atomic-'));
    return { store: openStore({ location: join(dir, 'atomic.db') }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  },
  'in-memory SQLite': async () => ({ store: openStore({ location: ':memory:' }), cleanup: async () => {} }),
  PostgreSQL: async () => {
    const schema = await freshPostgresSchema();
    return { store: openStore({ location: schema.url }), cleanup: schema.drop };
  },
} satisfies Record<string, () => Promise<{ store: Store; cleanup: () => Promise<void> }>>;

describe.each(Object.entries(STORES))('atomic writes on %s', (_, open) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, cleanup } = await open());
    await sql`create table counters (name text primary key, value integer not null)`.execute(store.db);
    await sql`insert into counters (name, value) values ('a', 0), ('b', 0)`.execute(store.db);
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  const compiled = (query: { compile(db: Store['db']): CompiledQuery }) => query.compile(store.db);
  const setValue = (name: string, value: number) => compiled(sql`update counters set value = ${value} where name = ${name}`);
  const insert = (name: string) => compiled(sql`insert into counters (name, value) values (${name}, 1)`);
  const values = async () => (await sql<{ name: string; value: number }>`select name, value from counters order by name`.execute(store.db)).rows.map((r) => [r.name, Number(r.value)]);

  it('runs every statement, in order, when each changes the rows it is expected to', async () => {
    await store.writeAtomically([{ query: setValue('a', 1), expectedChanges: 1 }, { query: insert('c') }, { query: setValue('a', 2) }]);
    expect(await values()).toEqual([['a', 2], ['b', 0], ['c', 1]]);
  });

  it('counts the rows a statement with RETURNING changed', async () => {
    await store.writeAtomically([{ query: compiled(sql`update counters set value = 3 where name in ('a', 'b') returning name`), expectedChanges: 2 }]);
    expect(await values()).toEqual([['a', 3], ['b', 3]]);
  });

  it('writes nothing when a statement misses its expected change count, and says so', async () => {
    const failure = await store.writeAtomically([{ query: setValue('a', 1), expectedChanges: 1 }, { query: insert('c') }, { query: setValue('missing', 1), expectedChanges: 1 }]).catch((error: unknown) => error);
    expect(isUnmetExpectation(failure)).toBe(true);
    expect(await values()).toEqual([['a', 0], ['b', 0]]);
  });

  it('writes nothing when a later statement breaks a constraint, and passes the database error on', async () => {
    const failure = await store.writeAtomically([{ query: setValue('b', 9) }, { query: insert('a') }]).catch((error: unknown) => error);
    expect(isUniqueViolation(failure)).toBe(true);
    expect(isUnmetExpectation(failure)).toBe(false);
    expect(await values()).toEqual([['a', 0], ['b', 0]]);
  });

  it('never interleaves with a transaction: it waits for an open one to commit', async () => {
    const [held, finished] = [signal(), signal()];
    const transaction = store.db.transaction().execute(async (trx) => {
      await sql`update counters set value = value + 10 where name = 'a'`.execute(trx);
      held.fire();
      await finished.fired;
      await sql`update counters set value = value * 2 where name = 'a'`.execute(trx);
    });
    await held.fired;
    const atomic = store.writeAtomically([{ query: compiled(sql`update counters set value = value + 1 where name = 'a'`), expectedChanges: 1 }]);
    finished.fire();
    await Promise.all([transaction, atomic]);
    // (0 + 10) * 2 + 1: the atomic write ran after the transaction, not between its statements.
    expect(await values()).toEqual([['a', 21], ['b', 0]]);
  });
});

describe('atomic writes on a SQLite file, committed in groups', () => {
  it('each write of a group commits or fails alone: a failing one leaves the others and is told its own error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetgate-atomic-'));
    const store = openStore({ location: join(dir, 'atomic.db') });
    try {
      await sql`create table counters (name text primary key, value integer not null)`.execute(store.db);
      const insert = (name: string) => sql`insert into counters (name, value) values (${name}, 1)`.compile(store.db);
      const bump = (name: string) => sql`update counters set value = value + 1 where name = ${name}`.compile(store.db);
      // Fired together: all but the first wait for the write lock and go as one group.
      const outcomes = await Promise.allSettled([
        store.writeAtomically([{ query: insert('a') }]),
        store.writeAtomically([{ query: insert('b') }, { query: bump('b'), expectedChanges: 1 }]),
        store.writeAtomically([{ query: insert('c') }, { query: bump('missing'), expectedChanges: 1 }]),
        store.writeAtomically([{ query: insert('d') }, { query: insert('a') }]),
        store.writeAtomically([{ query: insert('e') }]),
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
      expect(isUnmetExpectation((outcomes[2] as PromiseRejectedResult).reason)).toBe(true);
      expect(isUniqueViolation((outcomes[3] as PromiseRejectedResult).reason)).toBe(true);
      const rows = (await sql<{ name: string; value: number }>`select name, value from counters order by name`.execute(store.db)).rows;
      expect(rows.map((r) => [r.name, Number(r.value)])).toEqual([['a', 1], ['b', 2], ['e', 1]]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
