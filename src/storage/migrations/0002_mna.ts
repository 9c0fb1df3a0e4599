import type { Kysely } from 'kysely';

// Constraint names are matched by src/services/tencent/mna/store/constraints.ts to tell which rule a
// write broke (PostgreSQL reports the name, SQLite the columns).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mna_vendors')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('mna_vendors_pk', ['account_id'])
    .addUniqueConstraint('mna_vendors_name_unique', ['name'])
    .execute();

  await db.schema
    .createTable('mna_hardware')
    .addColumn('hardware_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('mna_vendors.account_id'))
    .addColumn('sn', 'text', (c) => c.notNull())
    .addColumn('license_charging_mode', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('activated_at', 'bigint')
    .addColumn('owner_account_id', 'text', (c) => c.references('accounts.id'))
    .addUniqueConstraint('mna_hardware_sn_unique', ['account_id', 'sn'])
    .execute();
  // The listing order; activation changes status, which is deliberately not in it.
  await db.schema.createIndex('mna_hardware_listing').on('mna_hardware').columns(['account_id', 'created_at', 'sn']).execute();

  await db.schema
    .createTable('mna_groups')
    .addColumn('group_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('mna_groups_name_unique', ['account_id', 'group_name'])
    .execute();

  await db.schema
    .createTable('mna_devices')
    .addColumn('device_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('device_name', 'text', (c) => c.notNull())
    .addColumn('remark', 'text', (c) => c.notNull())
    .addColumn('data_key_sealed', 'text', (c) => c.notNull())
    .addColumn('data_key_digest', 'text', (c) => c.notNull())
    .addColumn('access_scope', 'integer', (c) => c.notNull())
    .addColumn('license_pay_mode', 'integer', (c) => c.notNull())
    .addColumn('flow_trunc', 'integer', (c) => c.notNull())
    .addColumn('group_id', 'text')
    .addColumn('hardware_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('mna_devices_name_unique', ['account_id', 'device_name'])
    .addUniqueConstraint('mna_devices_data_key_unique', ['account_id', 'data_key_digest'])
    // One activation per hardware: the second device row for it cannot exist.
    .addUniqueConstraint('mna_devices_hardware_unique', ['hardware_id'])
    // Deleting a group ungroups its devices in the same statement, so no device points at a ghost.
    .addForeignKeyConstraint('mna_devices_group_fk', ['group_id'], 'mna_groups', ['group_id'], (fk) => fk.onDelete('set null'))
    .addForeignKeyConstraint('mna_devices_hardware_fk', ['hardware_id'], 'mna_hardware', ['hardware_id'])
    .execute();
  await db.schema.createIndex('mna_devices_listing').on('mna_devices').columns(['account_id', 'created_at', 'device_name']).execute();
  await db.schema.createIndex('mna_devices_group').on('mna_devices').columns(['group_id']).execute();

  await db.schema
    .createTable('mna_device_nics')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('device_id', 'text', (c) => c.notNull().references('mna_devices.device_id').onDelete('cascade'))
    .addColumn('net_info_name', 'text', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('data_enable', 'integer', (c) => c.notNull())
    .addColumn('upload_limit', 'bigint', (c) => c.notNull())
    .addColumn('download_limit', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('mna_device_nics_pk', ['device_id', 'net_info_name'])
    .execute();

  await db.schema
    .createTable('mna_account_keys')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id'))
    .addColumn('digest_key_sealed', 'text', (c) => c.notNull())
    .addColumn('signing_public_key', 'text')
    .addColumn('signing_private_key_sealed', 'text')
    .addColumn('preset_key_sealed', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['mna_account_keys', 'mna_device_nics', 'mna_devices', 'mna_groups', 'mna_hardware', 'mna_vendors']) {
    await db.schema.dropTable(table).execute();
  }
}
