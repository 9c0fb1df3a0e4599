import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createAccount } from '../../src/core/accounts.ts';
import { openTestStore, type StoreKind } from './databases.ts';

/** query_only of the connection plain reads run on (a SELECT built with Kysely). */
async function readConnectionQueryOnly(kind: StoreKind): Promise<{ queryOnly: number; wrote: boolean }> {
  const { store, close } = await openTestStore(kind);
  try {
    const { query_only } = await store.db
      .selectFrom(sql<{ query_only: number }>`pragma_query_only()`.as('p'))
      .select(sql<number>`query_only`.as('query_only'))
      .executeTakeFirstOrThrow();
    const { id } = await createAccount(store.db, 'writer', 1);
    const wrote = (await store.db.selectFrom('accounts').select('id').where('id', '=', id).execute()).length === 1;
    return { queryOnly: Number(query_only), wrote };
  } finally {
    await close();
  }
}

describe('test stores', () => {
  it('sqlite-file reads on a read-only connection and still writes: its writes go through the writer thread', async () => {
    expect(await readConnectionQueryOnly('sqlite-file')).toEqual({ queryOnly: 1, wrote: true });
  });

  it('sqlite-memory reads and writes on its one connection', async () => {
    expect(await readConnectionQueryOnly('sqlite-memory')).toEqual({ queryOnly: 0, wrote: true });
  });
});
