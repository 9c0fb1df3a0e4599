import { brokenUniqueConstraint } from '../../../../storage/constraints.ts';

// PostgreSQL names the broken constraint; SQLite only lists its columns in the message.
const UNIQUE_COLUMNS = {
  iotcloud_products_pkey: 'iotcloud_products.product_id',
  iotcloud_products_name_unique: 'iotcloud_products.account_id, iotcloud_products.product_name',
  iotcloud_devices_pk: 'iotcloud_devices.product_id, iotcloud_devices.device_name',
  iotcloud_private_cas_pk: 'iotcloud_private_cas.account_id, iotcloud_private_cas.cert_name',
  iotcloud_private_cas_cert_unique: 'iotcloud_private_cas.account_id, iotcloud_private_cas.fingerprint',
} as const;

/** A uniqueness rule of the IoT Hub schema (migration 0011_iotcloud). */
export type IotcloudUniqueRule = keyof typeof UNIQUE_COLUMNS;

/** Which IoT Hub uniqueness rule a failed write broke, if it broke one. */
export const brokenUniqueRule = (error: unknown): IotcloudUniqueRule | undefined => brokenUniqueConstraint(error, UNIQUE_COLUMNS);
