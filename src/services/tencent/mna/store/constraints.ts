import { isUniqueViolation } from '../../../../storage/database.ts';

// PostgreSQL names the broken constraint; SQLite only lists its columns in the message.
const UNIQUE_COLUMNS = {
  mna_vendors_pk: 'mna_vendors.account_id',
  mna_vendors_name_unique: 'mna_vendors.name',
  mna_hardware_sn_unique: 'mna_hardware.account_id, mna_hardware.sn',
  mna_groups_name_unique: 'mna_groups.account_id, mna_groups.group_name',
  mna_devices_name_unique: 'mna_devices.account_id, mna_devices.device_name',
  mna_devices_data_key_unique: 'mna_devices.account_id, mna_devices.data_key_digest',
} as const;

/** A uniqueness rule of the MNA schema (migration 0002_mna; 0005 dropped the one on mna_devices.hardware_id). */
export type MnaUniqueRule = keyof typeof UNIQUE_COLUMNS;

/** Which MNA uniqueness rule a failed write broke, if it broke one. */
export function brokenUniqueRule(error: unknown): MnaUniqueRule | undefined {
  if (!isUniqueViolation(error)) return undefined;
  const { constraint, message } = error as { constraint?: string; message?: string };
  for (const [rule, columns] of Object.entries(UNIQUE_COLUMNS) as [MnaUniqueRule, string][]) {
    if (constraint === rule || message?.endsWith(`constraint failed: ${columns}`)) return rule;
  }
  return undefined;
}

/** True when a write referenced a row that does not exist (or no longer does). */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/**
 * True when PostgreSQL rolled the whole transaction back to break a deadlock (40P01) or a
 * serialization conflict (40001): nothing of it was written, and trying again may succeed.
 */
export function isTransientConflict(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === '40P01' || code === '40001';
}
