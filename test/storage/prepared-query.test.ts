import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { STORE_KINDS, openTestStore } from '../support/databases.ts';
import { preparedInsert, preparedQuery } from '../../src/storage/prepared-query.ts';
import type { Database } from '../../src/storage/schema.ts';

const insertAccounts = preparedInsert('accounts', ['id', 'name', 'status', 'created_at']);
const accountName = preparedQuery((db: Kysely<Database>, id: string) => db.selectFrom('accounts').select('name').where('id', '=', id));

describe.each(STORE_KINDS)('prepared queries on %s', (kind) => {
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  beforeAll(async () => {
    opened = await openTestStore(kind);
  });
  afterAll(async () => opened.close());

  it('a multi-row insert compiled for one row count serves that count, and another count gets its own', async () => {
    const { db } = opened.store;
    await insertAccounts.run(db, [{ id: '1', name: 'one', status: 'active', created_at: 1 }]);
    await insertAccounts.run(db, [
      { id: '2', name: 'two', status: 'active', created_at: 2 },
      { id: '3', name: 'three', status: 'disabled', created_at: 3 },
    ]);
    await insertAccounts.run(db, [{ id: '4', name: 'four', status: 'active', created_at: 4 }]);
    const rows = await db.selectFrom('accounts').selectAll().where('id', 'in', ['1', '2', '3', '4']).orderBy('id').execute();
    expect(rows.map((r) => [r.id, r.name, r.status, Number(r.created_at)])).toEqual([
      ['1', 'one', 'active', 1],
      ['2', 'two', 'active', 2],
      ['3', 'three', 'disabled', 3],
      ['4', 'four', 'active', 4],
    ]);
  });

  it('a prepared read takes new arguments each call', async () => {
    const { db } = opened.store;
    expect(await accountName(db, '2')).toEqual([{ name: 'two' }]);
    expect(await accountName(db, '3')).toEqual([{ name: 'three' }]);
    expect(await accountName(db, 'none')).toEqual([]);
  });

  it('is built once for the store, not again in every transaction', async () => {
    let builds = 0;
    const countingName = preparedQuery((db: Kysely<Database>, id: string) => {
      builds += 1;
      return db.selectFrom('accounts').select('name').where('id', '=', id);
    });
    const { db } = opened.store;
    expect(await countingName(db, '1')).toEqual([{ name: 'one' }]);
    for (const id of ['2', '3']) {
      expect(await db.transaction().execute((trx) => countingName(trx, id))).toHaveLength(1);
    }
    expect(builds).toBe(1);
  });

  it('an argument the built query does not use is refused on first use', async () => {
    const ignoresItsArgument = preparedQuery((db: Kysely<Database>, _id: string) => db.selectFrom('accounts').select('name').where('id', '=', 'fixed'));
    await expect(ignoresItsArgument(opened.store.db, 'x')).rejects.toThrow('argument 0 does not reach the query');
  });
});
