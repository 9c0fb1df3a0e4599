import { createHmac } from 'node:crypto';
import { percentEncode, percentEncodeTwice, sortPairs } from './encoding.ts';
import type { ParamPair } from './encoding.ts';

/**
 * `CanonicalizedQueryString` (v1 signature doc): every decoded parameter except
 * `Signature`, sorted by name, each `pe(name)=pe(value)`, joined by `&`.
 */
export function v1CanonicalizedQuery(pairs: readonly ParamPair[]): string {
  return signedPairs(pairs)
    .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
    .join('&');
}

/**
 * `StringToSign = METHOD&%2F&pe(CanonicalizedQueryString)` (v1 signature doc), with the wire
 * method. Built without the canonical string: percent-encoding works character by character, so
 * pe(`pe(n)=pe(v)&…`) is `pe(pe(n))%3Dpe(pe(v))%26…`, and pe(pe(x)) is pe(x) with each `%` as `%25`.
 */
export function v1StringToSign(method: string, pairs: readonly ParamPair[]): string {
  const signed = signedPairs(pairs);
  let out = `${method}&%2F&`;
  for (let i = 0; i < signed.length; i++) {
    const [name, value] = signed[i]!;
    out += `${i === 0 ? '' : '%26'}${percentEncodeTwice(name)}%3D${percentEncodeTwice(value)}`;
  }
  return out;
}

/** Every parameter but `Signature`, sorted by name. */
const signedPairs = (pairs: readonly ParamPair[]): readonly ParamPair[] => sortPairs(pairs.filter(([name]) => name !== 'Signature'));

/** `Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))` (v1 signature doc). */
export function v1Signature(stringToSign: string, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64');
}
