import { sql, type Kysely } from 'kysely';

/**
 * The default price list (fen, 0.01 CNY), inserted once: prices are data, changed through the
 * admin API (`PUT /prices`) and CLI afterwards. Items are named `<product>.<item>`; the README
 * of src/billing lists what each one prices.
 */
export const DEFAULT_PRICES: Readonly<Record<string, number>> = {
  // OrderPerLicense: a permanent license per device, by Type (0 SDK, 1 CPE).
  'mna.license.permanent.0': 20_000,
  'mna.license.permanent.1': 50_000,
  // OrderFlowPackage: one month of a traffic package, by PackageType and PackageRegion (0 Chinese mainland, 1 outside).
  'mna.flow.DEVICE_1_FLOW_20G.0': 3_000,
  'mna.flow.DEVICE_2_FLOW_50G.0': 7_000,
  'mna.flow.DEVICE_3_FLOW_100G.0': 13_000,
  'mna.flow.DEVICE_5_FLOW_500G.0': 60_000,
  'mna.flow.DEVICE_1_FLOW_20G.1': 6_000,
  'mna.flow.DEVICE_2_FLOW_50G.1': 14_000,
  'mna.flow.DEVICE_3_FLOW_100G.1': 26_000,
  'mna.flow.DEVICE_5_FLOW_500G.1': 120_000,
};

/**
 * Vouchers, the price list and sub-users; ledger entries name the action, device and voucher
 * they belong to; a key may belong to a sub-user; accounts carry the identity-verification and
 * MNA-authorisation flags (on by default, so the quick start can pay).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('billing_vouchers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('face_value', 'bigint', (c) => c.notNull().check(sql`face_value > 0`))
    .addColumn('remaining', 'bigint', (c) => c.notNull().check(sql`remaining >= 0`))
    .addColumn('min_order_amount', 'bigint', (c) => c.notNull().check(sql`min_order_amount >= 0`))
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('billing_vouchers_account').on('billing_vouchers').columns(['account_id', 'expires_at']).execute();
  await db.schema
    .createTable('billing_prices')
    .addColumn('item', 'text', (c) => c.primaryKey())
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  const rows = Object.entries(DEFAULT_PRICES).map(([item, amount]) => ({ item, amount, updated_at: 0 }));
  await db.insertInto('billing_prices' as never).values(rows as never).execute();
  await db.schema
    .createTable('billing_users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('can_pay', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('billing_users_account_name', ['account_id', 'name'])
    .execute();
  for (const column of ['action', 'device_id', 'voucher_id']) {
    await db.schema.alterTable('billing_ledger').addColumn(column, 'text').execute();
  }
  await db.schema.alterTable('credentials').addColumn('user_id', 'text').execute();
  for (const column of ['identity_verified', 'mna_authorized']) {
    await db.schema.alterTable('accounts').addColumn(column, 'integer', (c) => c.notNull().defaultTo(1)).execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['identity_verified', 'mna_authorized']) await db.schema.alterTable('accounts').dropColumn(column).execute();
  await db.schema.alterTable('credentials').dropColumn('user_id').execute();
  for (const column of ['action', 'device_id', 'voucher_id']) await db.schema.alterTable('billing_ledger').dropColumn(column).execute();
  await db.schema.dropTable('billing_users').execute();
  await db.schema.dropTable('billing_prices').execute();
  await db.schema.dropTable('billing_vouchers').execute();
}
