import { createHmac } from 'node:crypto';

/** HMAC methods devices sign with (dynamic-registration and MQTT connection docs), as a device SDK names them. */
export type DeviceSignMethod = 'hmacmd5' | 'hmacsha1' | 'hmacsha256';

const DIGEST: Readonly<Record<DeviceSignMethod, string>> = { hmacmd5: 'md5', hmacsha1: 'sha1', hmacsha256: 'sha256' };

/** Narrows a method name (as test vectors spell it) to a DeviceSignMethod; throws for anything else. */
export function deviceSignMethod(name: string): DeviceSignMethod {
  if (!(name in DIGEST)) throw new Error(`unknown device sign method ${name}`);
  return name as DeviceSignMethod;
}

/** The signed content: every field sorted by name, `name + value` concatenated without separators. */
export function deviceSignContent(fields: Readonly<Record<string, string>>): string {
  return Object.keys(fields)
    .sort()
    .map((name) => `${name}${fields[name] as string}`)
    .join('');
}

/**
 * A device's lower-case hex HMAC over deviceSignContent(fields), as the device SDKs send it.
 * Dynamic registration (HTTPS and MQTT) keys it with the ProductSecret over {deviceName,
 * productKey, random}; the MQTT password keys it with the DeviceSecret over {clientId,
 * deviceName, productKey[, timestamp]}. For tests: the server will verify, never sign.
 */
export function deviceSign(method: DeviceSignMethod, key: string, fields: Readonly<Record<string, string>>): string {
  return createHmac(DIGEST[method], key).update(deviceSignContent(fields), 'utf8').digest('hex');
}
