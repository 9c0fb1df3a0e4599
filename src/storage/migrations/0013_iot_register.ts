import type { Kysely } from 'kysely';

/**
 * IoT Platform bulk registration: apply jobs gain a kind (an import, a checked name list, or
 * platform-generated names) and their rows a nickname; registration-free ClientIds get a table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('iot_import_jobs').addColumn('kind', 'text', (c) => c.notNull().defaultTo('import')).execute();
  await db.schema.alterTable('iot_import_rows').addColumn('nickname', 'text').execute();

  await db.schema
    .createTable('iot_client_ids')
    .addColumn('iot_id', 'text', (c) => c.notNull().references('iot_devices.iot_id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('token_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('iot_client_ids_pk', ['iot_id', 'client_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('iot_client_ids').execute();
  await db.schema.alterTable('iot_import_rows').dropColumn('nickname').execute();
  await db.schema.alterTable('iot_import_jobs').dropColumn('kind').execute();
}
