import { Migrator, type Migration, type MigrationResultSet } from 'kysely';
import type { Store } from './database.ts';
import * as core from './migrations/0001_core.ts';
import * as mna from './migrations/0002_mna.ts';
import * as iot from './migrations/0003_iot.ts';

/** Every migration, in order. A new part of the schema is one file and one line here. */
const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_core': core,
  '0002_mna': mna,
  '0003_iot': iot,
};

/** Brings the schema up to date; safe to run from several nodes at once (Kysely takes a lock). */
export async function migrateToLatest(store: Store): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => MIGRATIONS } });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
