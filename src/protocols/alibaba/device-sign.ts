import { createHmac } from 'node:crypto';
import { safeEqual } from '../digest.ts';

/** HMAC methods devices sign with (dynamic-registration and MQTT connection docs). */
export type DeviceSignMethod = 'hmacmd5' | 'hmacsha1' | 'hmacsha256';

const DIGEST: Readonly<Record<DeviceSignMethod, string>> = { hmacmd5: 'md5', hmacsha1: 'sha1', hmacsha256: 'sha256' };

/**
 * Reads a `signMethod` / `signmethod` value. Case-insensitive, `_` and `-` ignored: the doc's
 * own examples write `HmacMD5` and `hmac_md5`. Undefined for anything else.
 */
export function parseDeviceSignMethod(value: string): DeviceSignMethod | undefined {
  const normal = value.toLowerCase().replace(/[_-]/g, '');
  return normal in DIGEST ? (normal as DeviceSignMethod) : undefined;
}

/** The signed content: every field sorted by name, `name + value` concatenated without separators. */
export function deviceSignContent(fields: Readonly<Record<string, string>>): string {
  return Object.keys(fields)
    .sort()
    .map((name) => `${name}${fields[name] as string}`)
    .join('');
}

/**
 * Lower-case hex HMAC over deviceSignContent(fields). Dynamic registration (HTTPS and MQTT) keys
 * it with the ProductSecret over {deviceName, productKey, random}; the MQTT password keys it with
 * the DeviceSecret over {clientId, deviceName, productKey[, timestamp]}.
 */
export function deviceSign(method: DeviceSignMethod, key: string, fields: Readonly<Record<string, string>>): string {
  return createHmac(DIGEST[method], key).update(deviceSignContent(fields), 'utf8').digest('hex');
}

/** Checks a device's hex signature; C SDKs send upper case, the Node SDK lower case. */
export function verifyDeviceSign(method: DeviceSignMethod, key: string, fields: Readonly<Record<string, string>>, sign: string): boolean {
  return safeEqual(deviceSign(method, key, fields), sign.toLowerCase());
}
