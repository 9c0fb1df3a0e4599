import type { Kysely } from 'kysely';

/**
 * Auto-renewal of traffic packages: how many times a package was renewed (GetFlowPackages'
 * ModifyStatus 2 "changed or renewed" once it was), and the index the renewal sweep finds the
 * packages whose period ended with renewal on by.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mna_flow_packages').addColumn('renewals', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('mna_flow_packages_renewal_due').on('mna_flow_packages').columns(['renew_flag', 'expire_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('mna_flow_packages_renewal_due').execute();
  await db.schema.alterTable('mna_flow_packages').dropColumn('renewals').execute();
}
