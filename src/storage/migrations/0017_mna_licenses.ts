import type { Kysely } from 'kysely';

/**
 * Permanent licenses bought with OrderPerLicense: one per device (Type 0) or per vendor hardware
 * not yet activated (Type 1). The unique constraints are what makes concurrent orders for one
 * device end in one license: the losers' inserts change nothing and are refused RepeatPurchase.
 * A license goes with its device when the device is deleted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mna_licenses')
    .addColumn('resource_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.references('mna_devices.device_id').onDelete('cascade'))
    .addColumn('hardware_id', 'text', (c) => c.references('mna_hardware.hardware_id').onDelete('cascade'))
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('voucher_id', 'text')
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('mna_licenses_device_unique', ['device_id'])
    .addUniqueConstraint('mna_licenses_hardware_unique', ['hardware_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('mna_licenses').execute();
}
