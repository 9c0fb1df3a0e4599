import type { Kysely } from 'kysely';

/** MNA traffic packages (with the per-device holds that keep orders exclusive) and what deleted devices leave for the active-device history. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mna_flow_packages')
    .addColumn('resource_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('package_type', 'text', (c) => c.notNull())
    .addColumn('region', 'integer', (c) => c.notNull())
    .addColumn('capacity_mb', 'bigint', (c) => c.notNull())
    .addColumn('renew_flag', 'integer', (c) => c.notNull())
    .addColumn('trunc_flag', 'integer', (c) => c.notNull())
    .addColumn('price', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('active_at', 'bigint', (c) => c.notNull())
    .addColumn('expire_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mna_flow_packages_listing').on('mna_flow_packages').columns(['account_id', 'created_at']).execute();
  await db.schema
    .createTable('mna_flow_package_devices')
    .addColumn('resource_id', 'text', (c) => c.notNull().references('mna_flow_packages.resource_id'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('mna_flow_package_devices_pk', ['resource_id', 'device_id'])
    .execute();
  await db.schema.createIndex('mna_flow_package_devices_device').on('mna_flow_package_devices').columns(['account_id', 'device_id']).execute();
  await db.schema
    .createTable('mna_flow_package_claims')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('region', 'integer', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull().references('mna_flow_packages.resource_id'))
    .addColumn('expire_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('mna_flow_package_claims_pk', ['account_id', 'device_id', 'region'])
    .execute();
  await db.schema
    .createTable('mna_deleted_devices')
    .addColumn('device_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('group_id', 'text')
    .addColumn('activated_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint', (c) => c.notNull())
    .addColumn('license_type', 'integer', (c) => c.notNull())
    .addColumn('licensed_at', 'bigint')
    .execute();
  await db.schema.createIndex('mna_deleted_devices_account').on('mna_deleted_devices').columns(['account_id', 'deleted_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('mna_deleted_devices').execute();
  await db.schema.dropTable('mna_flow_package_claims').execute();
  await db.schema.dropTable('mna_flow_package_devices').execute();
  await db.schema.dropTable('mna_flow_packages').execute();
}
