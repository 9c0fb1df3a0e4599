import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'kysely';
import { openStore } from '../../src/storage/database.ts';
import { startCheckpointer } from '../../src/storage/sqlite-checkpointer.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { freshPostgresSchema, POSTGRES_URL } from '../support/databases.ts';

describe('store failures outside any query', () => {
  it('survives PostgreSQL terminating an idle pooled connection, reports it, and keeps answering', async () => {
    const schema = await freshPostgresSchema();
    const reported: string[] = [];
    const store = openStore({ location: schema.url, onBackgroundError: (_error, what) => reported.push(what) });
    try {
      await migrateToLatest(store);
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(store.db);
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      await admin.end();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(reported).toEqual(['PostgreSQL dropped an idle pooled connection']);
      const again = await sql<{ one: number }>`select 1 as one`.execute(store.db);
      expect(again.rows[0]!.one).toBe(1);
    } finally {
      await store.close();
      await schema.drop();
    }
  });

  it('reports a checkpointer that cannot run, so the store can checkpoint inline again', async () => {
    const failures: unknown[] = [];
    const checkpointer = startCheckpointer(join(tmpdir(), 'no-such-dir-fleetgate', 'store.db'), 50, (error) => failures.push(error));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await checkpointer.stop();
    expect(failures).toHaveLength(1);
    expect(String(failures[0])).toMatch(/directory does not exist|unable to open/i);
  });
});
