/**
 * Tables of IoT Platform 2018-01-20: instances, products, devices, apply jobs (batch import and
 * bulk registration) and registration-free ClientIds.
 * Times are epoch milliseconds; secrets are sealed with the master key (core/secret-box.ts).
 */
declare module '../../../storage/schema.ts' {
  interface Database {
    iot_instances: IotInstanceRow;
    iot_products: IotProductRow;
    iot_devices: IotDeviceRow;
    iot_import_jobs: IotImportJobRow;
    iot_import_rows: IotImportRowRow;
    iot_client_ids: IotClientIdRow;
  }
}

/**
 * An account's default instance (kind 'default', id `default-<accountId>`, never addressable by
 * IotInstanceId) or an Enterprise instance (kind 'enterprise', id `iot-` + 8 lowercase alnum).
 */
export interface IotInstanceRow {
  id: string;
  account_id: string;
  kind: 'default' | 'enterprise';
  /** Kept by the same transaction that creates or deletes a product: the 1,000-product quota. */
  product_count: number;
  created_at: number;
}

export interface IotProductRow {
  /** 11 alphanumerics, unique platform-wide. */
  product_key: string;
  account_id: string;
  instance_id: string;
  name: string;
  description: string | null;
  node_type: number;
  auth_type: string;
  /** 'iothub' (basic) or 'iothub_senior' (TSL). */
  commodity_code: string;
  data_format: number | null;
  protocol_type: string | null;
  /** WIFI | CELLULAR | ETHERNET | OTHER, as CreateProduct takes it. */
  net_type: string;
  validate_type: number;
  category_key: string | null;
  /** RegionId of the creating request, when the client sent one. */
  region: string | null;
  /** ProductSecret sealed with associated data `iot.product:<product_key>`. */
  secret_sealed: string;
  /** Kept by the transaction that inserts or deletes devices: DeviceCount and the device quota. */
  device_count: number;
  /** 1 when devices may register themselves (POST /auth/register/device); a console switch at Alibaba, admin API here. */
  dynamic_registration: number;
  created_at: number;
}

export type DeviceStatus = 'UNACTIVE' | 'ONLINE' | 'OFFLINE' | 'DISABLE';

export interface IotDeviceRow {
  /** Opaque, unique platform-wide. */
  iot_id: string;
  account_id: string;
  product_key: string;
  device_name: string;
  /** DeviceSecret sealed with associated data `iot.device:<iot_id>`. */
  secret_sealed: string;
  sn: string | null;
  nickname: string | null;
  status: DeviceStatus;
  created_at: number;
  modified_at: number;
  /**
   * First authentication with the DeviceSecret (store/activation.ts), null while UNACTIVE;
   * cleared by ResetThing, after which the device may register dynamically again.
   */
  activated_at: number | null;
  /** Latest connection; set by the device side. */
  online_at: number | null;
  /** The random token of the device's latest MQTT connection (src/mqtt): its end and revalidation compare it. */
  mqtt_login: string | null;
}

/**
 * CHECK while a name list is being checked, then CHECK_SUCCESS / CHECK_FAILED; CREATE while
 * devices are being inserted, then CREATE_SUCCESS / CREATE_FAILED.
 */
export type ImportJobStatus = 'CHECK' | 'CHECK_SUCCESS' | 'CHECK_FAILED' | 'CREATE' | 'CREATE_SUCCESS' | 'CREATE_FAILED';

/**
 * What made an apply: BatchImportDevice ('import', caller's secrets), BatchCheckDeviceNames
 * ('names', checked first, created by BatchRegisterDeviceWithApplyId) or BatchRegisterDevice
 * ('generated', platform-chosen names).
 */
export type ApplyKind = 'import' | 'names' | 'generated';

/** One apply (ApplyId). Its rows are checked and inserted in batches by the apply-job runner. */
export interface IotImportJobRow {
  apply_id: number;
  kind: ApplyKind;
  account_id: string;
  product_key: string;
  status: ImportJobStatus;
  total: number;
  /** Rows with seq below this have been processed (each batch commits it with its devices). */
  next_seq: number;
  /** Times a runner lost the job while holding it (crash, lease expiry, unexpected error). */
  attempts: number;
  lease_owner: string | null;
  lease_until: number | null;
  /** Catalog code of why the whole job stopped, when it did. */
  failure: string | null;
  created_at: number;
  updated_at: number;
}

export type ImportRowState = 'pending' | 'created' | 'failed';

/** One device of an apply, as submitted; `iot_id` and the sealed secret are fixed up front. */
export interface IotImportRowRow {
  apply_id: number;
  seq: number;
  iot_id: string;
  device_name: string;
  sn: string | null;
  nickname: string | null;
  secret_sealed: string;
  state: ImportRowState;
}

/**
 * A ClientId issued to a device by registration-free dynamic registration (MQTT `regnwl`), with
 * the device token it connects with, sealed with associated data `iot.clientid:<iot_id>:<client_id>`.
 */
export interface IotClientIdRow {
  iot_id: string;
  client_id: string;
  account_id: string;
  token_sealed: string;
  created_at: number;
}
