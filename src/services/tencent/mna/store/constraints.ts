import { brokenUniqueConstraint } from '../../../../storage/constraints.ts';

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
export const brokenUniqueRule = (error: unknown): MnaUniqueRule | undefined => brokenUniqueConstraint(error, UNIQUE_COLUMNS);
