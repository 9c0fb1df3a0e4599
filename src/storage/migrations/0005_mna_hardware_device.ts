import { sql, type Kysely } from 'kysely';
import { isSqlite } from '../query-helpers.ts';

/**
 * The hardware row records the device it became (`mna_hardware.device_id`), and the unique
 * constraint on `mna_devices.hardware_id` goes. It only backed up "one device per hardware", which
 * the conditional activation claim and the single `device_id` of a hardware row now guarantee, and
 * served hardware→device lookups, which now follow the device's primary key. Hardware ids are
 * random, so that index cost every activation a random B-tree page write.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isSqlite(db)) {
    await addDeviceColumn(db);
    await db.schema.alterTable('mna_devices').dropConstraint('mna_devices_hardware_unique').execute();
    return;
  }
  await rebuildWithoutForeignKeys(db, async (trx) => {
    await addDeviceColumn(trx);
    await rebuildDevices(trx, { hardwareUnique: false });
  });
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isSqlite(db)) {
    await db.schema.alterTable('mna_devices').addUniqueConstraint('mna_devices_hardware_unique', ['hardware_id']).execute();
    await db.schema.alterTable('mna_hardware').dropColumn('device_id').execute();
    return;
  }
  await rebuildWithoutForeignKeys(db, async (trx) => {
    await rebuildDevices(trx, { hardwareUnique: true });
    await trx.schema.alterTable('mna_hardware').dropColumn('device_id').execute();
  });
}


async function addDeviceColumn(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mna_hardware').addColumn('device_id', 'text').execute();
  // The device lives in the owner's account, as the joins that read it always required.
  await sql`
    update mna_hardware set device_id = d.device_id
    from mna_devices d
    where d.hardware_id = mna_hardware.hardware_id and d.account_id = mna_hardware.owner_account_id
  `.execute(db);
}

/**
 * SQLite cannot drop a table constraint: it takes the documented table rebuild
 * (https://www.sqlite.org/lang_altertable.html#otheralter), with foreign keys off so that dropping
 * the old mna_devices neither cascades to mna_device_nics nor is refused, then checked as a whole.
 */
async function rebuildWithoutForeignKeys(db: Kysely<unknown>, change: (trx: Kysely<unknown>) => Promise<void>): Promise<void> {
  const enforced = await foreignKeysOn(db);
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    // The pragma is a no-op inside a transaction. Kysely's Migrator runs SQLite migrations outside
    // one; should that ever change, the drop would silently delete every NIC row: refuse instead.
    if (await foreignKeysOn(db)) throw new Error('cannot rebuild mna_devices: foreign keys stay on inside a transaction');
    await db.transaction().execute(async (trx) => {
      await change(trx);
      const { rows } = await sql`pragma foreign_key_check`.execute(trx);
      if (rows.length > 0) throw new Error(`rebuilding mna_devices broke foreign keys: ${JSON.stringify(rows)}`);
    });
  } finally {
    if (enforced) await sql`pragma foreign_keys = on`.execute(db);
  }
}

async function foreignKeysOn(db: Kysely<unknown>): Promise<boolean> {
  const { rows } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
  return rows[0]?.foreign_keys === 1;
}

const DEVICE_COLUMNS = sql.join(
  [
    'device_id',
    'account_id',
    'device_name',
    'remark',
    'data_key_sealed',
    'data_key_digest',
    'access_scope',
    'license_pay_mode',
    'flow_trunc',
    'group_id',
    'hardware_id',
    'created_at',
  ].map((column) => sql.ref(column)),
);

/** Replaces mna_devices by a copy as 0002 and 0004 shaped it, with or without the hardware unique. */
async function rebuildDevices(db: Kysely<unknown>, { hardwareUnique }: { readonly hardwareUnique: boolean }): Promise<void> {
  await db.schema
    .createTable('mna_devices_rebuilt')
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
    .$call((table) => (hardwareUnique ? table.addUniqueConstraint('mna_devices_hardware_unique', ['hardware_id']) : table))
    .addForeignKeyConstraint('mna_devices_group_fk', ['group_id'], 'mna_groups', ['group_id'], (fk) => fk.onDelete('set null'))
    .addForeignKeyConstraint('mna_devices_hardware_fk', ['hardware_id'], 'mna_hardware', ['hardware_id'])
    .execute();
  await sql`insert into mna_devices_rebuilt (${DEVICE_COLUMNS}) select ${DEVICE_COLUMNS} from mna_devices`.execute(db);
  await db.schema.dropTable('mna_devices').execute();
  await db.schema.alterTable('mna_devices_rebuilt').renameTo('mna_devices').execute();
  await db.schema.createIndex('mna_devices_listing').on('mna_devices').columns(['account_id', 'created_at', 'device_name']).execute();
  await db.schema
    .createIndex('mna_devices_group')
    .on('mna_devices')
    .column('group_id')
    .where((eb) => eb('group_id', 'is not', null))
    .execute();
}
