/**
 * Tables of IoT Hub (migration 0011_iotcloud). Every row carries the account it belongs to; times
 * are epoch milliseconds (the wire shows seconds). Secrets are sealed with the master key:
 * ProductSecret (`iotcloud.product:<ProductId>`), device PSKs (`iotcloud.device:<ProductId>/<DeviceName>`)
 * and the account's platform CA key (`iotcloud.ca:<accountId>`). Device private keys are never stored.
 */
declare module '../../../storage/schema.ts' {
  interface Database {
    iotcloud_accounts: IotcloudAccountRow;
    iotcloud_private_cas: IotcloudPrivateCaRow;
    iotcloud_products: IotcloudProductRow;
    iotcloud_devices: IotcloudDeviceRow;
  }
}

/** Created on the account's first IoT Hub write that needs it. */
export interface IotcloudAccountRow {
  account_id: string;
  /** Kept by the transaction that creates or deletes a product: the 2,000-product quota. */
  product_count: number;
  /** Kept by the transaction that creates or deletes a private CA: the CA quota. */
  private_ca_count: number;
  /** The account's platform CA (PEM), which issues certificate products' device certificates; null until first needed. */
  ca_cert: string | null;
  ca_key_sealed: string | null;
  created_at: number;
}

/** A CA certificate the account uploaded (CreatePrivateCA); Fleetgate never holds its key. */
export interface IotcloudPrivateCaRow {
  account_id: string;
  cert_name: string;
  cert_text: string;
  /** SHA-256 of the DER, hex: the same certificate twice is LimitExceeded.CARepeat. */
  fingerprint: string;
  /** CertInfo.CertSN: the serial number in hex. */
  cert_sn: string;
  issuer_name: string;
  subject: string;
  effective_at: number;
  expire_at: number;
  created_at: number;
}

/** "1" certificate, "2" key (PSK): a string on the wire. */
export type EncryptionType = '1' | '2';

/** 0 disabled, 1 pre-create device (names must exist), 2 auto-create device. */
export type RegisterType = 0 | 1 | 2;

export interface IotcloudProductRow {
  /** 10 uppercase alphanumerics, unique platform-wide. */
  product_id: string;
  account_id: string;
  product_name: string;
  description: string;
  encryption_type: EncryptionType;
  /** 0 general, 2 NB-IoT, 3 LoRa gateway, 4 LoRa, 5 general gateway. */
  product_type: number;
  format: string;
  region: string;
  platform: string;
  register_type: RegisterType;
  /** Cap on the devices dynamic registration may create (RegisterType 2). */
  register_limit: number;
  secret_sealed: string;
  /** SetProductsForbiddenStatus: 1 forbidden, 0 enabled. */
  forbidden: number;
  /** The private CA the product is bound to (certificate products only); null: the account's platform CA. */
  private_ca_name: string | null;
  /** Kept by the transactions that insert or delete devices: the 1,000,000-device quota. */
  device_count: number;
  /** Devices of the product that dynamic registration created (rows with dynamic_registered = 1): the RegisterLimit count. */
  dynamic_device_count: number;
  created_at: number;
}

export interface IotcloudDeviceRow {
  product_id: string;
  device_name: string;
  account_id: string;
  /** Key products: the base64 PSK, sealed. */
  psk_sealed: string | null;
  /** Certificate products: the device certificate (PEM); its private key went to the caller only. */
  cert: string | null;
  /** 1 once the device's certificate has been handed out (CreateDevice or registration). */
  cert_state: number;
  /** 1 enabled, 0 disabled. */
  enable_state: number;
  /** 0 off, 1 error, 2 warning, 3 info, 4 debug. */
  log_level: number;
  /** Attribute.Tags as JSON (an array of DeviceTag). */
  tags: string;
  isp: number;
  imei: string;
  /** Firmware version the device reported; '' none. */
  version: string;
  online: number;
  login_at: number | null;
  /** The random token of the device's latest MQTT connection (src/mqtt): its end and revalidation compare it. */
  mqtt_login: string | null;
  first_online_at: number | null;
  last_offline_at: number | null;
  client_ip: string | null;
  /** The device shadow document (JSON); null: the empty shadow every device starts with. */
  shadow: string | null;
  /** 1 when dynamic registration created the device (counted against RegisterLimit). */
  dynamic_registered: number;
  created_at: number;
  updated_at: number;
}
