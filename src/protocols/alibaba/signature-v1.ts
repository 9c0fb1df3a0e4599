import { createHmac } from 'node:crypto';
import { percentEncode, sortPairs } from './encoding.ts';
import type { ParamPair } from './encoding.ts';

/**
 * `CanonicalizedQueryString` (v1 signature doc): every decoded parameter except
 * `Signature`, sorted by name, each `pe(name)=pe(value)`, joined by `&`.
 */
export function v1CanonicalizedQuery(pairs: readonly ParamPair[]): string {
  return sortPairs(pairs.filter(([name]) => name !== 'Signature'))
    .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
    .join('&');
}

/** `StringToSign = METHOD&%2F&pe(CanonicalizedQueryString)` (v1 signature doc), with the wire method. */
export function v1StringToSign(method: string, pairs: readonly ParamPair[]): string {
  return `${method}&${percentEncode('/')}&${percentEncode(v1CanonicalizedQuery(pairs))}`;
}

/** `Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))` (v1 signature doc). */
export function v1Signature(stringToSign: string, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64');
}
