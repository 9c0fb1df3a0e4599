import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Dialect, type Store } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { SecretBox } from '../../src/core/secret-box.ts';

/** Every server-level suite runs once per engine (Kysely's own test style); a test server's SQLite is a file. */
export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

/**
 * The stores a storage-level suite runs on: SQLite in memory (one connection on the event loop),
 * SQLite in a file (writes on the writer thread, reads on the event loop) and PostgreSQL.
 */
export type StoreKind = 'sqlite-memory' | 'sqlite-file' | 'postgres';
export const STORE_KINDS: readonly StoreKind[] = ['sqlite-memory', 'sqlite-file', 'postgres'];

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

/** Where a fresh store of the kind lives, and how to remove it after the store is closed. */
async function freshLocation(kind: StoreKind): Promise<{ location: string; remove: () => Promise<void> }> {
  if (kind === 'postgres') {
    const schema = await freshPostgresSchema();
    return { location: schema.url, remove: schema.drop };
  }
  if (kind === 'sqlite-memory') return { location: ':memory:', remove: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'fleetgate-store-'));
  return { location: join(dir, 'fleetgate.db'), remove: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A migrated store without a server, for storage-level tests: see StoreKind. */
export async function openTestStore(kind: StoreKind): Promise<{ store: Store; secrets: SecretBox; close: () => Promise<void> }> {
  const { location, remove } = await freshLocation(kind);
  const store = openStore({ location });
  await migrateToLatest(store);
  return {
    store,
    secrets: new SecretBox(randomBytes(32)),
    close: async () => {
      await store.close();
      await remove();
    },
  };
}
