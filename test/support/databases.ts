import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Dialect, type Store } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { SecretBox } from '../../src/core/secret-box.ts';

/** Every storage-dependent suite runs once per engine (Kysely's own test style). */
export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

export const POSTGRES_URL = process.env.FLEETGATE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.FLEETGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A PostgreSQL schema of its own for one test store, so parallel suites never see each other's
 * rows. Returns a database URL whose search_path points at it, and a function dropping it.
 */
export async function freshPostgresSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `fg_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A migrated store without a server, for storage-level tests: in-memory SQLite or a fresh PostgreSQL schema. */
export async function openTestStore(dialect: Dialect): Promise<{ store: Store; secrets: SecretBox; close: () => Promise<void> }> {
  const schema = dialect === 'postgres' ? await freshPostgresSchema() : undefined;
  const store = openStore({ location: schema?.url ?? ':memory:' });
  await migrateToLatest(store);
  return {
    store,
    secrets: new SecretBox(randomBytes(32)),
    close: async () => {
      await store.close();
      await schema?.drop();
    },
  };
}
