import { createHash, createHmac } from 'node:crypto';
import type { RawRequest } from '../raw-request.ts';
import { safeEqual } from '../digest.ts';

/**
 * IoT Hub dynamic registration, current protocol (IoT Hub docs "Dynamic Registration API
 * Description" and "Signature Algorithm"; PROTOCOL.md §4.1): a JSON body signed in X-TC-* headers
 * with an HMAC keyed by the ProductSecret.
 */

/** X-TC-Algorithm values, compared case-insensitively (the doc example writes HmacSha256). */
const HASHES = { hmacsha1: 'sha1', hmacsha256: 'sha256' } as const;
export type DeviceHmac = keyof typeof HASHES;

/**
 * Hosts the device SDKs sign whatever URL they call: the Java and Python SDKs hard-code the
 * Guangzhou gateway; the C SDK signs the regional name it calls (the documented regions).
 */
export const TENCENT_DEVICE_GATEWAY_HOSTS: readonly string[] = [
  'ap-guangzhou.gateway.tencentdevices.com',
  'gateway.tencentdevices.com',
  'us-east.gateway.tencentdevices.com',
  'europe.gateway.tencentdevices.com',
  'ap-bangkok.gateway.tencentdevices.com',
];

/** The signature headers of a request, as sent. */
export interface RegisterSignatureHeaders {
  /** As sent: the string to sign carries it verbatim. */
  readonly algorithm: string;
  readonly hash: 'sha1' | 'sha256';
  readonly timestamp: number;
  readonly nonce: string;
  readonly signature: string;
}

/** Why the headers cannot be checked: a header missing, or a value no SDK sends. */
export class RegisterHeaderError extends Error {}

const DIGITS = /^\d{1,20}$/;

/** Reads the X-TC-* headers; throws RegisterHeaderError naming the first one missing or malformed. */
export function readRegisterHeaders(raw: RawRequest): RegisterSignatureHeaders {
  const header = (name: string): string => {
    const value = raw.headers[name];
    if (value === undefined || value === '') throw new RegisterHeaderError(`The ${name.toUpperCase()} header is missing.`);
    return value;
  };
  const algorithm = header('x-tc-algorithm');
  const hash = HASHES[algorithm.toLowerCase() as DeviceHmac];
  if (hash === undefined) throw new RegisterHeaderError(`X-TC-ALGORITHM must be hmacsha256 or hmacsha1, not "${algorithm.slice(0, 32)}".`);
  const timestamp = header('x-tc-timestamp');
  const nonce = header('x-tc-nonce');
  if (!DIGITS.test(timestamp)) throw new RegisterHeaderError('X-TC-TIMESTAMP must be Unix seconds.');
  if (!DIGITS.test(nonce)) throw new RegisterHeaderError('X-TC-NONCE must be a non-negative integer.');
  return { algorithm, hash, timestamp: Number(timestamp), nonce, signature: header('x-tc-signature') };
}

/** The hosts a genuine device may have signed: the Host header without and with its port, then the fixed gateway names. */
export function candidateHosts(hostHeader: string | undefined): string[] {
  const hosts: string[] = [];
  if (hostHeader) {
    const bare = hostHeader.replace(/:\d+$/, '');
    hosts.push(bare, hostHeader);
  }
  for (const host of TENCENT_DEVICE_GATEWAY_HOSTS) if (!hosts.includes(host)) hosts.push(host);
  return hosts;
}

/** `POST \n host \n uri \n "" \n algorithm \n timestamp \n nonce \n hex(hash(body))`. */
function registerStringToSign(h: RegisterSignatureHeaders, host: string, uri: string, body: Buffer): string {
  const bodyHash = createHash(h.hash).update(body).digest('hex');
  return `POST\n${host}\n${uri}\n\n${h.algorithm}\n${h.timestamp}\n${h.nonce}\n${bodyHash}`;
}

/**
 * True when X-TC-Signature is Base64(HMAC(ProductSecret, StringToSign)) for one of the candidate
 * hosts. The body hash is the same for every host, so it is computed once.
 */
export function verifyRegisterSignature(h: RegisterSignatureHeaders, raw: RawRequest, path: string, productSecret: string): boolean {
  const tail = registerStringToSign(h, '', path, raw.body).slice('POST\n'.length);
  for (const host of candidateHosts(raw.headers.host)) {
    const expected = createHmac(h.hash, productSecret).update(`POST\n${host}${tail}`, 'utf8').digest('base64');
    if (safeEqual(expected, h.signature)) return true;
  }
  return false;
}

/**
 * Legacy protocol (`/register/dev`, C SDK before 2021-03): `signature` = Base64 of the lower-case
 * hex HMAC-SHA1 over `deviceName=…&nonce=…&productId=…&timestamp=…`, with the body's values as sent.
 */
export function verifyLegacySignature(
  fields: { readonly deviceName: string; readonly nonce: string; readonly productId: string; readonly timestamp: string },
  signature: string,
  productSecret: string,
): boolean {
  const content = `deviceName=${fields.deviceName}&nonce=${fields.nonce}&productId=${fields.productId}&timestamp=${fields.timestamp}`;
  const hex = createHmac('sha1', productSecret).update(content, 'utf8').digest('hex');
  return safeEqual(Buffer.from(hex, 'utf8').toString('base64'), signature);
}
