import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('iot_instances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('product_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('iot_instances_account').on('iot_instances').columns(['account_id', 'created_at']).execute();

  await db.schema
    .createTable('iot_products')
    .addColumn('product_key', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('instance_id', 'text', (c) => c.notNull().references('iot_instances.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('node_type', 'integer', (c) => c.notNull())
    .addColumn('auth_type', 'text', (c) => c.notNull())
    .addColumn('commodity_code', 'text', (c) => c.notNull())
    .addColumn('data_format', 'integer')
    .addColumn('protocol_type', 'text')
    .addColumn('net_type', 'text', (c) => c.notNull())
    .addColumn('validate_type', 'integer', (c) => c.notNull())
    .addColumn('category_key', 'text')
    .addColumn('region', 'text')
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('device_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('iot_products_name', ['instance_id', 'name'])
    .execute();
  await db.schema.createIndex('iot_products_listing').on('iot_products').columns(['instance_id', 'created_at']).execute();

  await db.schema
    .createTable('iot_devices')
    .addColumn('iot_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product_key', 'text', (c) => c.notNull().references('iot_products.product_key').onDelete('cascade'))
    .addColumn('device_name', 'text', (c) => c.notNull())
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('sn', 'text')
    .addColumn('nickname', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .addColumn('activated_at', 'bigint')
    .addColumn('online_at', 'bigint')
    .addUniqueConstraint('iot_devices_name', ['product_key', 'device_name'])
    .execute();
  // QueryDevice pages newest first with (created_at, iot_id) as the keyset.
  await db.schema.createIndex('iot_devices_listing').on('iot_devices').columns(['product_key', 'created_at', 'iot_id']).execute();

  await db.schema
    .createTable('iot_import_jobs')
    .addColumn('apply_id', 'bigint', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product_key', 'text', (c) => c.notNull().references('iot_products.product_key').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('next_seq', 'integer', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('failure', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('iot_import_jobs_product').on('iot_import_jobs').column('product_key').execute();
  await db.schema.createIndex('iot_import_jobs_status').on('iot_import_jobs').columns(['status', 'created_at']).execute();

  await db.schema
    .createTable('iot_import_rows')
    .addColumn('apply_id', 'bigint', (c) => c.notNull().references('iot_import_jobs.apply_id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('iot_id', 'text', (c) => c.notNull())
    .addColumn('device_name', 'text', (c) => c.notNull())
    .addColumn('sn', 'text')
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('iot_import_rows_pk', ['apply_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('iot_import_rows').execute();
  await db.schema.dropTable('iot_import_jobs').execute();
  await db.schema.dropTable('iot_devices').execute();
  await db.schema.dropTable('iot_products').execute();
  await db.schema.dropTable('iot_instances').execute();
}
