import type { Kysely } from 'kysely';

/** Process-wide facts the database keeps for every node: first, the master key check. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('core_settings')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('core_settings').execute();
}
