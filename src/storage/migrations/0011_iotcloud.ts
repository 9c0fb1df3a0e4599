import type { Kysely } from 'kysely';

// IoT Hub (iotcloud 2021-04-08). Constraint names are matched by
// src/services/tencent/iotcloud/store/constraints.ts to tell which rule a write broke.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per account that uses IoT Hub: the counters behind the product and private CA quotas
  // and the account's platform CA (generated on first need; its key sealed).
  await db.schema
    .createTable('iotcloud_accounts')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id'))
    .addColumn('product_count', 'integer', (c) => c.notNull())
    .addColumn('private_ca_count', 'integer', (c) => c.notNull())
    .addColumn('ca_cert', 'text')
    .addColumn('ca_key_sealed', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('iotcloud_private_cas')
    .addColumn('account_id', 'text', (c) => c.notNull().references('iotcloud_accounts.account_id'))
    .addColumn('cert_name', 'text', (c) => c.notNull())
    .addColumn('cert_text', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('cert_sn', 'text', (c) => c.notNull())
    .addColumn('issuer_name', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('effective_at', 'bigint', (c) => c.notNull())
    .addColumn('expire_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('iotcloud_private_cas_pk', ['account_id', 'cert_name'])
    .addUniqueConstraint('iotcloud_private_cas_cert_unique', ['account_id', 'fingerprint'])
    .execute();

  await db.schema
    .createTable('iotcloud_products')
    .addColumn('product_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('iotcloud_accounts.account_id'))
    .addColumn('product_name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('encryption_type', 'text', (c) => c.notNull())
    .addColumn('product_type', 'integer', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('register_type', 'integer', (c) => c.notNull())
    .addColumn('register_limit', 'bigint', (c) => c.notNull())
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('forbidden', 'integer', (c) => c.notNull())
    .addColumn('private_ca_name', 'text')
    .addColumn('device_count', 'integer', (c) => c.notNull())
    .addColumn('dynamic_device_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('iotcloud_products_name_unique', ['account_id', 'product_name'])
    // A bound CA cannot be deleted (DeletePrivateCA answers LimitExceeded.CAAlreadyBindProduct first).
    .addForeignKeyConstraint('iotcloud_products_ca_fk', ['account_id', 'private_ca_name'], 'iotcloud_private_cas', ['account_id', 'cert_name'])
    .execute();
  await db.schema.createIndex('iotcloud_products_listing').on('iotcloud_products').columns(['account_id', 'created_at', 'product_id']).execute();
  await db.schema.createIndex('iotcloud_products_ca').on('iotcloud_products').columns(['account_id', 'private_ca_name']).execute();

  await db.schema
    .createTable('iotcloud_devices')
    .addColumn('product_id', 'text', (c) => c.notNull().references('iotcloud_products.product_id'))
    .addColumn('device_name', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('psk_sealed', 'text')
    .addColumn('cert', 'text')
    .addColumn('cert_state', 'integer', (c) => c.notNull())
    .addColumn('enable_state', 'integer', (c) => c.notNull())
    .addColumn('log_level', 'integer', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('isp', 'integer', (c) => c.notNull())
    .addColumn('imei', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('online', 'integer', (c) => c.notNull())
    .addColumn('login_at', 'bigint')
    .addColumn('first_online_at', 'bigint')
    .addColumn('last_offline_at', 'bigint')
    .addColumn('client_ip', 'text')
    .addColumn('shadow', 'text')
    .addColumn('dynamic_registered', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('iotcloud_devices_pk', ['product_id', 'device_name'])
    .execute();
  await db.schema.createIndex('iotcloud_devices_listing').on('iotcloud_devices').columns(['product_id', 'created_at', 'device_name']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['iotcloud_devices', 'iotcloud_products', 'iotcloud_private_cas', 'iotcloud_accounts']) {
    await db.schema.dropTable(table).execute();
  }
}
