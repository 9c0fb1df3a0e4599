import { createHmac } from 'node:crypto';
import { stripPort } from './tc3.ts';
import { safeEqual } from '../digest.ts';

/** The two HMACs of signature v1; `SignatureMethod=HmacSHA256` selects the second, anything else the first (Common Params doc). */
export type V1SignatureMethod = 'HmacSHA1' | 'HmacSHA256';

/** Decoded form/query pairs in wire order, repeated names kept. */
export type FlatPairs = readonly (readonly [string, string])[];

/**
 * StringToSign of the Signature v1 doc: METHOD + host + path + "?" + every parameter but
 * Signature, sorted by name, joined as name=value with the decoded (not re-encoded) values.
 */
export function v1StringToSign(method: string, host: string, path: string, pairs: FlatPairs): string {
  const signed = pairs.filter(([name]) => name !== 'Signature');
  // Array#sort is stable, so repeated names keep their wire order.
  signed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${method}${host}${path}?${signed.map(([name, value]) => `${name}=${value}`).join('&')}`;
}

/** Base64 HMAC of the string to sign (Signature v1 doc). */
export function v1Signature(method: V1SignatureMethod, secretKey: string, stringToSign: string): string {
  return createHmac(method === 'HmacSHA256' ? 'sha256' : 'sha1', secretKey)
    .update(stringToSign, 'utf8')
    .digest('base64');
}

/** What verifyV1 needs from the request. */
export interface V1Request {
  readonly method: string;
  readonly path: string;
  /** Host header as received. */
  readonly host: string;
  readonly pairs: FlatPairs;
  readonly signatureMethod: V1SignatureMethod;
  /** The decoded Signature parameter. */
  readonly signature: string;
}

/**
 * The host in the StringToSign: every SDK signs its configured endpoint with the
 * port, so the Host header as received comes first, then the same without port.
 */
export function verifyV1(request: V1Request, secretKey: string): boolean {
  const hosts = request.host === stripPort(request.host) ? [request.host] : [request.host, stripPort(request.host)];
  return hosts.some((host) => {
    const expected = v1Signature(request.signatureMethod, secretKey, v1StringToSign(request.method, host, request.path, request.pairs));
    return safeEqual(expected, request.signature);
  });
}
