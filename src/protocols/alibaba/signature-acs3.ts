import { createHmac } from 'node:crypto';
import { AlibabaError } from './errors.ts';
import { percentEncode, sortPairs } from './encoding.ts';
import type { ParamPair } from './encoding.ts';
import { sha256Hex } from '../digest.ts';

/** The only V3 algorithm Fleetgate verifies (V3 signature doc). */
export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

/** The parts of `Authorization: ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`. */
export interface Acs3Authorization {
  readonly accessKeyId: string;
  /** Lower-case header names in the order the client listed them. */
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

// Other algorithms openapi-util can emit; recognised so they get a precise code.
const OTHER_ACS3_ALGORITHMS = new Set(['ACS3-HMAC-SM3', 'ACS3-RSA-SHA256']);

/**
 * Parses the ACS3 Authorization header. Unsupported ACS3 algorithms → InvalidSignatureMethod;
 * anything malformed (missing Credential, SignedHeaders or Signature) → IncompleteSignature.
 */
export function parseAcs3Authorization(header: string): Acs3Authorization {
  const space = header.indexOf(' ');
  const algorithm = space < 0 ? header : header.slice(0, space);
  if (OTHER_ACS3_ALGORITHMS.has(algorithm)) throw new AlibabaError('InvalidSignatureMethod');
  if (algorithm !== ACS3_ALGORITHM || space < 0) throw new AlibabaError('IncompleteSignature');
  const fields = new Map<string, string>();
  for (const part of header.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new AlibabaError('IncompleteSignature');
    const name = part.slice(0, eq).trim();
    if (fields.has(name)) throw new AlibabaError('IncompleteSignature');
    fields.set(name, part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!accessKeyId || !signedHeaders || !signature) throw new AlibabaError('IncompleteSignature');
  const names = signedHeaders.split(';').map((h) => h.toLowerCase());
  if (names.some((h) => h === '')) throw new AlibabaError('IncompleteSignature');
  return { accessKeyId, signedHeaders: names, signature };
}

/**
 * CanonicalQueryString (V3 signature doc): decoded pairs sorted by name, `name=pe(value)`. The SDK
 * (openapi-util getAuthorizationQueryString) leaves the name unencoded while the V3 doc encodes
 * it; `encodeNames` picks the doc's form. They differ only for names outside the unreserved set.
 */
export function acs3CanonicalQuery(pairs: readonly ParamPair[], encodeNames = false): string {
  return sortPairs(pairs)
    .map(([name, value]) => `${encodeNames ? percentEncode(name) : name}=${percentEncode(value)}`)
    .join('&');
}

/** Inputs of the canonical request, all as received. */
export interface Acs3CanonicalInput {
  readonly method: string;
  readonly path: string;
  readonly canonicalQuery: string;
  /** Header values by lower-case name. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly signedHeaders: readonly string[];
  readonly hashedPayload: string;
}

/** CanonicalRequest (V3 signature doc): exactly the listed signed headers, `name:trimmed value\n` each. */
export function acs3CanonicalRequest(input: Acs3CanonicalInput): string {
  const headerLines = input.signedHeaders.map((name) => `${name}:${(input.headers[name] ?? '').trim()}\n`).join('');
  return [
    input.method,
    input.path,
    input.canonicalQuery,
    headerLines,
    input.signedHeaders.join(';'),
    input.hashedPayload,
  ].join('\n');
}

/** `ACS3-HMAC-SHA256\n` + hex(SHA-256(CanonicalRequest)). */
export function acs3StringToSign(canonicalRequest: string): string {
  return `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
}

/** Lower-case hex HMAC-SHA256 keyed with the raw AccessKeySecret (no "&", unlike v1). */
export function acs3Signature(stringToSign: string, accessKeySecret: string): string {
  return createHmac('sha256', accessKeySecret).update(stringToSign, 'utf8').digest('hex');
}
