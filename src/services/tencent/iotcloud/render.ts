import type { SecretBox } from '../../../core/secret-box.ts';
import { openProductSecret, type ProductRow } from './store/products.ts';
import { MAX_DEVICES_PER_PRODUCT, openDevicePsk, type DeviceRow } from './store/devices.ts';

export const seconds = (ms: number): number => Math.floor(ms / 1000);

/** ProductProperties as CreateProduct and Describe* answer (every field the international spec documents). */
export function productProperties(secrets: SecretBox, row: ProductRow): Record<string, unknown> {
  return {
    ProductDescription: row.description,
    EncryptionType: row.encryption_type,
    Region: row.region,
    ProductType: row.product_type,
    Format: row.format,
    Platform: row.platform,
    Appeui: '',
    ModelId: '-1',
    ModelName: '',
    ProductKey: '',
    RegisterType: row.register_type,
    ProductSecret: openProductSecret(secrets, row),
    RegisterLimit: Number(row.register_limit),
    OriginProductId: '',
    PrivateCAName: row.private_ca_name ?? '',
    OriginUserId: 0,
    DeviceLimit: MAX_DEVICES_PER_PRODUCT,
    ForbiddenStatus: row.forbidden,
    AppEUI: '',
  };
}

/** An account id is shaped like a UIN (a 12-digit numeric string): the number the *UserId fields carry. */
const uin = (accountId: string): number => Number(accountId);

/** ProductInfo (DescribeProduct's fields and DescribeProducts' entries); CreationDate in seconds like the device times. */
export function productInfo(secrets: SecretBox, row: ProductRow): Record<string, unknown> {
  return {
    ProductId: row.product_id,
    ProductName: row.product_name,
    ProductMetadata: { CreationDate: seconds(Number(row.created_at)), CreateUserId: uin(row.account_id), UserId: uin(row.account_id) },
    ProductProperties: productProperties(secrets, row),
  };
}

const secondsOrNull = (ms: number | null): number | null => (ms === null ? null : seconds(Number(ms)));

/**
 * DeviceInfo (DescribeDevices' entries; DescribeDevice answers the same fields): every field the
 * international spec documents, the nullable ones null while unknown. LoRa and NB-IoT operator
 * fields stay empty (Fleetgate has no operator network; the CN spec spells the operator id both
 * NbiotDeviceID and NBIoTDeviceID); ConnIP is a deprecated integer, 0.
 */
export function deviceInfo(secrets: SecretBox, row: DeviceRow): Record<string, unknown> {
  return {
    DeviceName: row.device_name,
    Online: row.online,
    LoginTime: seconds(Number(row.login_at ?? 0)),
    Version: row.version,
    LastUpdateTime: seconds(Number(row.updated_at)),
    DeviceCert: row.cert ?? '',
    DevicePsk: openDevicePsk(secrets, row) ?? '',
    Tags: JSON.parse(row.tags) as unknown,
    DeviceType: 0,
    Imei: row.imei,
    Isp: row.isp,
    ConnIP: 0,
    NbiotDeviceID: '',
    LoraDevEui: '',
    LoraMoteType: 0,
    LogLevel: row.log_level,
    FirstOnlineTime: secondsOrNull(row.first_online_at),
    LastOfflineTime: secondsOrNull(row.last_offline_at),
    CreateTime: seconds(Number(row.created_at)),
    CertState: row.cert_state,
    EnableState: row.enable_state,
    Labels: [],
    ClientIP: row.client_ip,
    FirmwareUpdateTime: null,
    CreateUserId: uin(row.account_id),
    NBIoTDeviceID: '',
  };
}

/** CertInfo. The field docs say milliseconds, but the documented answer (its times match its own certificate) is in seconds, like every other IoT Hub time. */
export function certInfo(ca: { cert_name: string; cert_sn: string; issuer_name: string; subject: string; created_at: number; effective_at: number; expire_at: number; cert_text: string }): Record<string, unknown> {
  return {
    CertName: ca.cert_name,
    CertSN: ca.cert_sn,
    IssuerName: ca.issuer_name,
    Subject: ca.subject,
    CreateTime: seconds(Number(ca.created_at)),
    EffectiveTime: seconds(Number(ca.effective_at)),
    ExpireTime: seconds(Number(ca.expire_at)),
    CertText: ca.cert_text,
  };
}
