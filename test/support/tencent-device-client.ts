import { createDecipheriv, createHash, createHmac } from 'node:crypto';
import type { RawRequest } from '../../src/protocols/raw-request.ts';

/**
 * An IoT Hub device as Tencent's device SDKs behave, written from the documented algorithms (IoT
 * Hub "Dynamic Registration API Description" and "Signature Algorithm", the C/Java/Python device
 * SDKs), never from Fleetgate's server code: the server verifies what this signs.
 */

/** The X-TC-Algorithm values the device SDKs send (doc/Java/Python: hmacsha256; C SDK: hmacsha1). */
export type DeviceHmac = 'hmacsha1' | 'hmacsha256';

const HASH: Readonly<Record<DeviceHmac, 'sha1' | 'sha256'>> = { hmacsha1: 'sha1', hmacsha256: 'sha256' };

/** The host the Java and Python SDKs sign whatever URL they call. */
export const GUANGZHOU_GATEWAY = 'ap-guangzhou.gateway.tencentdevices.com';

/** The C SDK's hard-coded X-TC-Timestamp (2021-01-01). */
export const C_SDK_TIMESTAMP = 1609430400;

export interface DeviceRegisterSigning {
  readonly productSecret: string;
  readonly body: string;
  /** The host as the device signs it (no port), e.g. GUANGZHOU_GATEWAY. */
  readonly host: string;
  readonly algorithm: DeviceHmac | string;
  readonly timestamp: number;
  readonly nonce: number;
  readonly uri?: string;
}

/** `POST \n host \n uri \n "" \n algorithm \n timestamp \n nonce \n hex(hash(body))`. */
export function registerStringToSign(s: DeviceRegisterSigning): string {
  const hash = HASH[s.algorithm.toLowerCase() as DeviceHmac];
  const bodyHash = createHash(hash).update(s.body, 'utf8').digest('hex');
  return ['POST', s.host, s.uri ?? '/device/register', '', s.algorithm, String(s.timestamp), String(s.nonce), bodyHash].join('\n');
}

/** X-TC-Signature: Base64 of the raw HMAC keyed with the whole ProductSecret. */
export function registerSignature(s: DeviceRegisterSigning): string {
  const hash = HASH[s.algorithm.toLowerCase() as DeviceHmac];
  return createHmac(hash, s.productSecret).update(registerStringToSign(s), 'utf8').digest('base64');
}

export interface RegisterOptions {
  readonly productId: string;
  readonly deviceName: string;
  readonly productSecret: string;
  readonly algorithm?: DeviceHmac;
  /** What the device signs as host; the Host header sent is `sentHost` (default: the server's). */
  readonly signedHost?: string;
  readonly sentHost?: string;
  readonly timestamp?: number;
  readonly nonce?: number;
  /** Extra body fields (a private-CA clientCert). */
  readonly extra?: Readonly<Record<string, string>>;
}

/** A current-protocol registration request as the device SDKs send it (Host header = server's unless overridden). */
export function registerRequest(serverHost: string, o: RegisterOptions): RawRequest {
  const body = JSON.stringify({ ProductId: o.productId, DeviceName: o.deviceName, ...o.extra });
  const algorithm = o.algorithm ?? 'hmacsha256';
  const timestamp = o.timestamp ?? C_SDK_TIMESTAMP;
  const nonce = o.nonce ?? randomNonce();
  const host = o.sentHost ?? serverHost;
  const signature = registerSignature({ productSecret: o.productSecret, body, host: o.signedHost ?? host.replace(/:\d+$/, ''), algorithm, timestamp, nonce });
  return {
    method: 'POST',
    url: '/device/register',
    headers: {
      host,
      'content-type': 'application/json; charset=utf-8',
      accept: 'application/json;*/*',
      'x-tc-algorithm': algorithm,
      'x-tc-timestamp': String(timestamp),
      'x-tc-nonce': String(nonce),
      'x-tc-signature': signature,
    },
    body: Buffer.from(body),
  };
}

/** Legacy `signature`: Base64 of the lower-case hex HMAC-SHA1 over `deviceName=…&nonce=…&productId=…&timestamp=…`. */
export function legacySignature(productSecret: string, f: { deviceName: string; nonce: number; productId: string; timestamp: number }): string {
  const content = `deviceName=${f.deviceName}&nonce=${f.nonce}&productId=${f.productId}&timestamp=${f.timestamp}`;
  return Buffer.from(createHmac('sha1', productSecret).update(content, 'utf8').digest('hex'), 'utf8').toString('base64');
}

/** A legacy `/register/dev` request: JSON labelled as a form, as the old C SDK sends it. */
export function legacyRegisterRequest(serverHost: string, o: Omit<RegisterOptions, 'algorithm' | 'signedHost' | 'extra'>): RawRequest {
  const fields = { deviceName: o.deviceName, nonce: o.nonce ?? randomNonce(), productId: o.productId, timestamp: o.timestamp ?? Math.floor(Date.now() / 1000) };
  const body = JSON.stringify({ ...fields, signature: legacySignature(o.productSecret, fields) });
  return {
    method: 'POST',
    url: '/register/dev',
    headers: { host: o.sentHost ?? serverHost, 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(body),
  };
}

/** Decrypts a registration Payload: AES-128-CBC, key = first 16 chars of the ProductSecret, IV '0'×16, no padding, cut at Len. */
export function decryptPayload(productSecret: string, payloadBase64: string, len: number): string {
  const decipher = createDecipheriv('aes-128-cbc', Buffer.from(productSecret.slice(0, 16), 'utf8'), Buffer.from('0'.repeat(16), 'utf8'));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(Buffer.from(payloadBase64, 'base64')), decipher.final()]);
  return plain.subarray(0, len).toString('utf8');
}

/** The MQTT username `<ClientId>;<sdkappid>;<connid>;<expiry>` (ClientId = ProductId + DeviceName). */
export function mqttUsername(productId: string, deviceName: string, expiry: number, connId = 'a1B2c', sdkAppId = '21010406'): string {
  return `${productId}${deviceName};${sdkAppId};${connId};${expiry}`;
}

/** The MQTT password: lower-case hex HMAC keyed with the Base64-decoded psk over the username, then `;hmacsha1|;hmacsha256`. */
export function mqttPassword(psk: string, username: string, algorithm: DeviceHmac = 'hmacsha256'): string {
  return `${createHmac(HASH[algorithm], Buffer.from(psk, 'base64')).update(username, 'utf8').digest('hex')};${algorithm}`;
}

/** A 31-bit nonce like the device SDKs' (C qcloud_rand_d, Java Math.random()*(2^31−1)). */
export function randomNonce(): number {
  return Math.floor(Math.random() * 2147483647);
}
