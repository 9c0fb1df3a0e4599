/**
 * Tables of the MNA product (migrations 0002_mna, 0005_mna_hardware_device). Every row carries the
 * account it belongs to; times are epoch milliseconds. Uniqueness rules live in the schema, not in
 * code: one vendor name per account and per name, SN unique per vendor, DeviceName and DataKey
 * unique per account, at most one device per piece of hardware (the hardware row's one device_id).
 */
declare module '../../../storage/schema.ts' {
  interface Database {
    mna_vendors: MnaVendorRow;
    mna_hardware: MnaHardwareRow;
    mna_devices: MnaDeviceRow;
    mna_groups: MnaGroupRow;
    mna_device_nics: MnaDeviceNicRow;
    mna_account_keys: MnaAccountKeyRow;
    mna_licenses: MnaLicenseRow;
  }
}

/** An account registered as a hardware vendor (manufacturer) under a unique name. */
export interface MnaVendorRow {
  account_id: string;
  name: string;
  created_at: number;
}

/** 1: to be activated, 2: activated (VendorHardware.Status). */
export type HardwareStatus = 1 | 2;

/** A serial number a vendor registered (AddHardware); `account_id` is the vendor's account. */
export interface MnaHardwareRow {
  /** `cpe-` + 10 lowercase alphanumerics. */
  hardware_id: string;
  account_id: string;
  sn: string;
  /** 1: customer pays, 2: vendor pays monthly, 3: vendor pays a permanent license. */
  license_charging_mode: number;
  description: string;
  status: HardwareStatus;
  created_at: number;
  activated_at: number | null;
  /** The customer account that activated it; its device row lives in that account. */
  owner_account_id: string | null;
  /** The device activation made of it (set by the claim itself); null while to be activated. */
  device_id: string | null;
}

/** A customer device: added directly (AddDevice) or the result of activating hardware. */
export interface MnaDeviceRow {
  /** `mna-` + 10 lowercase alphanumerics. */
  device_id: string;
  account_id: string;
  device_name: string;
  remark: string;
  /** The DataKey sealed with AAD `mna.device:<device_id>`. */
  data_key_sealed: string;
  /** HMAC of the DataKey under the account's digest key: lets the schema keep keys unique. */
  data_key_digest: string;
  access_scope: number;
  /** Effective license term: 0 monthly, 1 permanent. */
  license_pay_mode: number;
  flow_trunc: number;
  group_id: string | null;
  /** Set for activated hardware (a third-party device), null for devices added with AddDevice. */
  hardware_id: string | null;
  created_at: number;
}

/** Settings of one network interface of a device, set by UpdateDevice (UpdateNetInfo). */
export interface MnaDeviceNicRow {
  account_id: string;
  device_id: string;
  net_info_name: string;
  /** 0 cellular data, 1 Wi-Fi, 2 wired. */
  type: number;
  /** 0/1 rather than a boolean: the same column type on both engines. */
  data_enable: number;
  /** Bits per second; 0 = unlimited. */
  upload_limit: number;
  download_limit: number;
}

export interface MnaGroupRow {
  /** `cliGrp-` + 10 lowercase alphanumerics. */
  group_id: string;
  account_id: string;
  group_name: string;
  description: string;
  created_at: number;
  updated_at: number;
}

/** Per-account key material, created on first use; every secret is sealed with the master key. */
export interface MnaAccountKeyRow {
  account_id: string;
  /** HMAC key for data_key_digest. */
  digest_key_sealed: string;
  /** RSA public key (PKCS#1 PEM) that GetPublicKey returns; generated once. */
  signing_public_key: string | null;
  signing_private_key_sealed: string | null;
  /** The preset key of CreateEncryptedKey (base64 AES-256 key); replaced on every call. */
  preset_key_sealed: string | null;
  created_at: number;
}

/**
 * Tables of traffic packages and deleted devices (migration 0010_mna_packages). Money is in
 * fen; times are epoch milliseconds.
 */
declare module '../../../storage/schema.ts' {
  interface Database {
    mna_flow_packages: MnaFlowPackageRow;
    mna_flow_package_devices: MnaFlowPackageDeviceRow;
    mna_flow_package_claims: MnaFlowPackageClaimRow;
    mna_deleted_devices: MnaDeletedDeviceRow;
  }
}

/** A traffic package (OrderFlowPackage): one month of a tier's capacity for its devices, in one region. */
export interface MnaFlowPackageRow {
  /** A UUID and `-0`, the shape of the spec's example. */
  resource_id: string;
  account_id: string;
  /** DEVICE_1_FLOW_20G, DEVICE_2_FLOW_50G, DEVICE_3_FLOW_100G or DEVICE_5_FLOW_500G. */
  package_type: string;
  /** 0 Chinese mainland, 1 outside it. */
  region: number;
  capacity_mb: number;
  /** 0/1: auto-renewal (ModifyPackageRenewFlag changes it). */
  renew_flag: number;
  /** 0/1: traffic truncation; never on together with renew_flag. */
  trunc_flag: number;
  /** What the order cost before any voucher, in fen. */
  price: number;
  created_at: number;
  /** The current period: bought at active_at, or renewed from the end of the previous period. */
  active_at: number;
  expire_at: number;
  /** How many times auto-renewal renewed it (migration 0018). */
  renewals: number;
}

/** A device a package is bound to; kept after the package expires (GetFlowPackages shows it). */
export interface MnaFlowPackageDeviceRow {
  resource_id: string;
  account_id: string;
  device_id: string;
  /** The device's place in the order's DeviceList. */
  position: number;
}

/**
 * A device's hold on one region while a package is valid: the primary key (account, device,
 * region) lets only one order bind a device at a time, whatever the concurrency. A hold whose
 * package has expired is removed by the next order that needs it.
 */
export interface MnaFlowPackageClaimRow {
  account_id: string;
  device_id: string;
  region: number;
  resource_id: string;
  expire_at: number;
}

/**
 * A deleted device as the active-device history needs it (GetActiveDeviceCount): when it was
 * activated or added and deleted, its group, and its license over time.
 */
export interface MnaDeletedDeviceRow {
  device_id: string;
  account_id: string;
  group_id: string | null;
  activated_at: number;
  deleted_at: number;
  /** LicenseType from activation: 1 tenant monthly, 2 vendor monthly, 3 permanent. */
  license_type: number;
  /** When OrderPerLicense made it permanent (LicenseType 3 from then on), if it did. */
  licensed_at: number | null;
}

/**
 * A permanent license bought with OrderPerLicense (migration 0017): for a device of the account
 * (Type 0) or for the vendor's hardware not yet activated (Type 1). At most one per device and
 * one per hardware.
 */
export interface MnaLicenseRow {
  /** The ResourceId OrderPerLicense answered: a UUID and `-0`, as the seed example. */
  resource_id: string;
  /** The account that paid. */
  account_id: string;
  /** OrderPerLicense Type: 0 SDK (a device), 1 CPE (vendor hardware). */
  type: number;
  device_id: string | null;
  hardware_id: string | null;
  /** The price paid, in fen (voucher part included). */
  amount: number;
  voucher_id: string | null;
  request_id: string;
  created_at: number;
}
