import type { Kysely } from 'kysely';

/**
 * Most devices belong to no group, yet every one of them had an entry in the group index. The
 * index serves `group_id = ?` lookups only (group detail, ON DELETE SET NULL), which never match
 * NULL: a partial index keeps those and spares every ungrouped insert a B-tree write.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('mna_devices_group').execute();
  await db.schema
    .createIndex('mna_devices_group')
    .on('mna_devices')
    .column('group_id')
    .where((eb) => eb('group_id', 'is not', null))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('mna_devices_group').execute();
  await db.schema.createIndex('mna_devices_group').on('mna_devices').column('group_id').execute();
}
