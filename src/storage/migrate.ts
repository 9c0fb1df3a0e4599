import { Migrator, sql, type Migration, type MigrationResultSet } from 'kysely';
import type { Store } from './database.ts';
import * as core from './migrations/0001_core.ts';
import * as mna from './migrations/0002_mna.ts';
import * as iot from './migrations/0003_iot.ts';
import * as mnaGroupIndex from './migrations/0004_mna_group_index.ts';
import * as mnaHardwareDevice from './migrations/0005_mna_hardware_device.ts';
import * as coreSettings from './migrations/0006_core_settings.ts';
import * as sqlitePlannerStats from './migrations/0007_sqlite_planner_stats.ts';
import * as billing from './migrations/0008_billing.ts';
import * as billingLicensing from './migrations/0009_billing_licensing.ts';
import * as mnaPackages from './migrations/0010_mna_packages.ts';
import * as iotcloud from './migrations/0011_iotcloud.ts';
import * as iotRegister from './migrations/0013_iot_register.ts';
import * as iotDynamicRegistration from './migrations/0014_iot_dynamic_registration.ts';
import * as csvImports from './migrations/0016_csv_imports.ts';
import * as mnaLicenses from './migrations/0017_mna_licenses.ts';
import * as consoleListing from './migrations/0020_console_listing.ts';

/** Every migration, in order. A new part of the schema is one file and one line here. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_core': core,
  '0002_mna': mna,
  '0003_iot': iot,
  '0004_mna_group_index': mnaGroupIndex,
  '0005_mna_hardware_device': mnaHardwareDevice,
  '0006_core_settings': coreSettings,
  '0007_sqlite_planner_stats': sqlitePlannerStats,
  '0008_billing': billing,
  '0009_billing_licensing': billingLicensing,
  '0010_mna_packages': mnaPackages,
  '0011_iotcloud': iotcloud,
  '0013_iot_register': iotRegister,
  '0014_iot_dynamic_registration': iotDynamicRegistration,
  '0016_csv_imports': csvImports,
  '0017_mna_licenses': mnaLicenses,
  '0020_console_listing': consoleListing,
};

/** Brings the schema up to date; safe to run from several nodes at once (Kysely takes a lock). */
export async function migrateToLatest(store: Store): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => MIGRATIONS },
    // Kysely looks its bookkeeping tables up by name in every schema; pin it to ours so a
    // database holding several Fleetgate schemas (one per tenant of a shared server, or per test)
    // never mistakes another schema's tables for its own.
    ...(store.dialect === 'postgres' ? { migrationTableSchema: await currentSchema(store) } : {}),
  });
  for (let attempt = 1; ; attempt++) {
    const result = await migrator.migrateToLatest();
    if (!result.error) return result;
    if (!isSchemaDroppedMeanwhile(result.error) || attempt === INTROSPECTION_ATTEMPTS) throw result.error;
  }
}

const INTROSPECTION_ATTEMPTS = 5;

/**
 * Kysely's Migrator lists every table of every schema before it migrates; a schema dropped by
 * someone else halfway through that listing (another tenant's, another test's) fails it with
 * invalid_schema_name. A PostgreSQL migration runs in a transaction, so the failed run left
 * nothing behind and is simply repeated.
 */
function isSchemaDroppedMeanwhile(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === '3F000';
}

async function currentSchema(store: Store): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('PostgreSQL has no current schema: check search_path');
  return schema;
}
