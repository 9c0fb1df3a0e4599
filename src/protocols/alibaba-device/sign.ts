import { createHmac } from 'node:crypto';
import { safeEqual } from '../digest.ts';

/** The HMACs Alibaba devices sign with (dynamic registration and the MQTT password). */
export type DeviceSignMethod = 'hmacmd5' | 'hmacsha1' | 'hmacsha256';

const DIGEST: Readonly<Record<DeviceSignMethod, string>> = { hmacmd5: 'md5', hmacsha1: 'sha1', hmacsha256: 'sha256' };

/**
 * A sign method as a device spells it: compared case-insensitively (the doc's example body writes
 * `HmacMD5`, the SDKs lower case); undefined for anything else.
 */
export function parseDeviceSignMethod(name: string): DeviceSignMethod | undefined {
  const method = name.toLowerCase();
  return Object.hasOwn(DIGEST, method) ? (method as DeviceSignMethod) : undefined;
}

/** The signed string: the fields sorted by name, `name + value` concatenated without separators. */
export function deviceSignContent(fields: Readonly<Record<string, string>>): string {
  let content = '';
  for (const name of Object.keys(fields).sort()) content += name + (fields[name] as string);
  return content;
}

/** Lower-case hex HMAC of deviceSignContent(fields) keyed with `secret`. */
export function deviceSign(method: DeviceSignMethod, secret: string, fields: Readonly<Record<string, string>>): string {
  return createHmac(DIGEST[method], secret).update(deviceSignContent(fields), 'utf8').digest('hex');
}

/**
 * Whether `sign` is the HMAC of `fields` under `secret`: hex in either case (the C SDKs send
 * upper case, the Node SDK lower case), compared in constant time.
 */
export function verifyDeviceSign(method: DeviceSignMethod, secret: string, fields: Readonly<Record<string, string>>, sign: string): boolean {
  return safeEqual(deviceSign(method, secret, fields), sign.toLowerCase());
}

/**
 * HTTPS (and MQTT) dynamic registration: the ProductSecret signs deviceName, productKey and random
 * (PROTOCOL 5.1: `deviceName<dn>productKey<pk>random<random>`).
 */
export function verifyRegistrationSign(
  request: { readonly productKey: string; readonly deviceName: string; readonly random: string; readonly signMethod: DeviceSignMethod; readonly sign: string },
  productSecret: string,
): boolean {
  const fields = { deviceName: request.deviceName, productKey: request.productKey, random: request.random };
  return verifyDeviceSign(request.signMethod, productSecret, fields, request.sign);
}
