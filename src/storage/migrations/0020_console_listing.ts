import type { Kysely } from 'kysely';

/**
 * Indexes the console's keyset pages need, each led by the account: a vendor's activations by
 * time (the activations chart), an account's licenses newest first, an account's IoT Platform
 * jobs newest first. Every other console page walks an existing unique index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('mna_hardware_activated').on('mna_hardware').columns(['account_id', 'activated_at']).execute();
  await db.schema.createIndex('mna_licenses_listing').on('mna_licenses').columns(['account_id', 'created_at', 'resource_id']).execute();
  await db.schema.createIndex('iot_import_jobs_account').on('iot_import_jobs').columns(['account_id', 'apply_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['mna_hardware_activated', 'mna_licenses_listing', 'iot_import_jobs_account']) await db.schema.dropIndex(index).execute();
}
