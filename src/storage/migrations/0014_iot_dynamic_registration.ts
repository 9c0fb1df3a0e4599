import type { Kysely } from 'kysely';

/**
 * IoT Platform dynamic registration: the per-product switch (off, as a new product starts on
 * Alibaba Cloud's console). Activation is the devices' existing `activated_at`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('iot_products')
    .addColumn('dynamic_registration', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('iot_products').dropColumn('dynamic_registration').execute();
}
