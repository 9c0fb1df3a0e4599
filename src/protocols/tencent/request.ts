import { splitTarget } from '../raw-request.ts';
import type { RawRequest } from '../raw-request.ts';
import { TencentError } from './errors.ts';
import type { TencentLanguage } from './messages.ts';
import { parseJsonObject } from './json.ts';
import { parseTc3Authorization, verifyTc3, type Tc3KeyCache } from './tc3.ts';
import { verifyV1 } from './v1.ts';
import type { FlatPairs, V1SignatureMethod } from './v1.ts';

/** Which signature a request carries. */
export type TencentSignatureKind = 'TC3-HMAC-SHA256' | V1SignatureMethod;

/**
 * The API parameters of a request, still untyped: the JSON body of a TC3 POST (64-bit integers
 * exact), or the decoded form/query pairs otherwise (v1 common parameters removed).
 */
export type ParamSource =
  | { readonly format: 'json'; readonly value: Readonly<Record<string, unknown>> }
  | { readonly format: 'flat'; readonly pairs: FlatPairs };

/** A syntactically valid API 3.0 request whose signature can be checked once the key is known. */
export interface TencentRequest {
  readonly kind: TencentSignatureKind;
  readonly secretId: string;
  readonly action: string;
  readonly version: string;
  readonly region: string | undefined;
  /** TC3: the credential-scope service exactly as sent (`mna`, or `127` from the Node SDK); v1: undefined. */
  readonly scopeService: string | undefined;
  readonly language: TencentLanguage;
  readonly timestamp: number;
  readonly token: string | undefined;
  /** v1: `SecretId:Nonce:Timestamp`, to refuse a replay (Signature v1 doc); TC3 has no nonce: undefined. */
  readonly replayKey: string | undefined;
  /** True when the request was signed with `secretKey` (constant-time compare); TC3 keeps derived keys in `keys` if given. */
  readonly verify: (secretKey: string, keys?: Tc3KeyCache) => boolean;
  readonly params: ParamSource;
}

/** Limits of the Request Structure doc (sizes) and the Signature docs (clock skew). */
export const TENCENT_LIMITS = Object.freeze({
  getTargetBytes: 32 * 1024,
  v1PostBodyBytes: 1024 * 1024,
  tc3PostBodyBytes: 10 * 1024 * 1024,
  timestampSkewSeconds: 300,
});

const V1_COMMON = new Set([
  'Action',
  'Version',
  'Region',
  'Timestamp',
  'Nonce',
  'SecretId',
  'Signature',
  'SignatureMethod',
  'Token',
  'RequestClient',
  'Language',
]);
const NONCE_MAX = 2n ** 63n - 1n;

function present(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function language(value: string | undefined): TencentLanguage {
  return value === 'zh-CN' ? 'zh-CN' : 'en-US';
}

function formPairs(text: string): FlatPairs {
  return [...new URLSearchParams(text)];
}

function checkTimestamp(text: string, nowSeconds: number): number {
  if (!/^\d{1,15}$/.test(text)) throw new TencentError('InvalidParameter', { name: 'Timestamp' });
  const timestamp = Number(text);
  // A clock error is reported as such, before any HMAC is computed.
  if (Math.abs(nowSeconds - timestamp) > TENCENT_LIMITS.timestampSkewSeconds) {
    throw new TencentError('AuthFailure.SignatureExpire');
  }
  return timestamp;
}

/**
 * The message language of a request too broken to parse (X-TC-Language, or Language in the query
 * or form body), so even its error answers in the language asked for.
 */
export function requestLanguage(raw: RawRequest): TencentLanguage {
  const header = raw.headers['x-tc-language']?.trim();
  if (header) return language(header);
  const source = raw.method === 'GET' ? raw.url : raw.body.toString('latin1');
  return language(/(?:^|[?&])Language=(zh-CN)(?:&|$)/.exec(source)?.[1]);
}

/**
 * Parses a Tencent Cloud API 3.0 request (Request Structure, Common Params and Signature docs)
 * without knowing any secret.
 * Rejections, in the order they are checked:
 * - method other than GET/POST → UnsupportedProtocol;
 * - GET request target over 32 KiB → RequestSizeLimitExceeded;
 * - an Authorization header selects TC3, its absence v1. POST application/json without
 *   Authorization, or a form POST with one, → AuthFailure.InvalidAuthorization (Request Structure doc: JSON is
 *   TC3 only, forms v1 only); any other POST Content-Type (multipart included: none of our
 *   actions takes one) → UnsupportedProtocol naming it. A GET's Content-Type is left to the
 *   signature (TC3 signs it; v1 clients send none);
 * - POST body over 10 MiB (TC3) or 1 MiB (v1) → RequestSizeLimitExceeded;
 * - TC3: malformed Authorization, or one not signing content-type and host →
 *   AuthFailure.InvalidAuthorization; missing X-TC-Action / X-TC-Version / X-TC-Timestamp →
 *   MissingParameter (`Action`, `Version`, `Timestamp`);
 * - v1: missing Action, Version, Timestamp, Nonce, SecretId, Signature → MissingParameter; a
 *   repeated common parameter → InvalidParameter; Nonce not an integer in 0..2^63−1 →
 *   InvalidParameter (a real server answers "Parameter `Nonce` type error.");
 * - Timestamp not decimal → InvalidParameter; more than 300 s from `nowSeconds` →
 *   AuthFailure.SignatureExpire (before any HMAC);
 * - TC3 POST body not UTF-8 JSON with an object at the top (or repeating a key) →
 *   InvalidParameter "Incorrect parameter: the request body is not a valid JSON object.";
 * - a NUL character in the SecretId → AuthFailure.SecretIdNotFound, in the Region →
 *   InvalidParameterValue (API parameters are checked by decodeParams).
 */
export function parseTencentRequest(raw: RawRequest, nowSeconds: number): TencentRequest {
  const method = raw.method.toUpperCase();
  if (method !== 'GET' && method !== 'POST') throw new TencentError('UnsupportedProtocol');
  if (method === 'GET' && raw.url.length > TENCENT_LIMITS.getTargetBytes) {
    throw new TencentError('RequestSizeLimitExceeded');
  }
  const authorization = present(raw.headers.authorization?.trim());
  if (method === 'POST') {
    const type = mediaType(raw.headers['content-type']);
    const tc3 = authorization !== undefined;
    if (type === 'application/json' || type === 'application/x-www-form-urlencoded') {
      if (tc3 !== (type === 'application/json')) throw new TencentError('AuthFailure.InvalidAuthorization');
    } else {
      throw new TencentError('UnsupportedProtocol', { contentType: type });
    }
    const limit = tc3 ? TENCENT_LIMITS.tc3PostBodyBytes : TENCENT_LIMITS.v1PostBodyBytes;
    if (raw.body.length > limit) throw new TencentError('RequestSizeLimitExceeded');
  }
  const request = authorization === undefined ? parseV1(raw, method, nowSeconds) : parseTc3(raw, method, authorization, nowSeconds);
  // A v1 form or query may carry `%00`. No key id holds a NUL, so that SecretId is simply unknown
  // (PostgreSQL would refuse to look it up); a Region with one is not a value.
  if (request.secretId.includes('\0')) throw new TencentError('AuthFailure.SecretIdNotFound');
  if (request.region?.includes('\0')) throw new TencentError('InvalidParameterValue', { name: 'Region', rule: 'nul' });
  return request;
}

function requiredHeader(raw: RawRequest, name: string, param: string): string {
  const value = present(raw.headers[name]?.trim());
  if (value === undefined) throw new TencentError('MissingParameter', { name: param });
  return value;
}

function parseTc3(raw: RawRequest, method: string, authorization: string, nowSeconds: number): TencentRequest {
  const auth = parseTc3Authorization(authorization);
  const action = requiredHeader(raw, 'x-tc-action', 'Action');
  const version = requiredHeader(raw, 'x-tc-version', 'Version');
  const timestampText = requiredHeader(raw, 'x-tc-timestamp', 'Timestamp');
  const timestamp = checkTimestamp(timestampText, nowSeconds);
  const { path, rawQuery } = splitTarget(raw.url);
  let params: ParamSource;
  if (method === 'POST') {
    const value = parseJsonObject(raw.body);
    if (value === undefined) throw new TencentError('InvalidParameter', { rule: 'json' });
    params = { format: 'json', value };
  } else {
    params = { format: 'flat', pairs: formPairs(rawQuery) };
  }
  const signed = { method, path, rawQuery, headers: raw.headers, body: raw.body, timestamp: timestampText };
  return {
    kind: 'TC3-HMAC-SHA256',
    secretId: auth.secretId,
    action,
    version,
    region: present(raw.headers['x-tc-region']?.trim()),
    scopeService: auth.service,
    language: language(raw.headers['x-tc-language']?.trim()),
    timestamp,
    token: present(raw.headers['x-tc-token']?.trim()),
    replayKey: undefined,
    // Bound rather than an arrow: the TypeScript loader names every arrow function it creates, at a cost per request.
    verify: verifyTc3.bind(undefined, signed, auth),
    params,
  };
}

function parseV1(raw: RawRequest, method: string, nowSeconds: number): TencentRequest {
  const { path, rawQuery } = splitTarget(raw.url);
  const pairs = formPairs(method === 'POST' ? raw.body.toString('utf8') : rawQuery);
  const common = new Map<string, string>();
  const api: [string, string][] = [];
  for (const pair of pairs) {
    if (!V1_COMMON.has(pair[0])) {
      api.push([pair[0], pair[1]]);
    } else if (common.has(pair[0])) {
      throw new TencentError('InvalidParameter', { name: pair[0] });
    } else {
      common.set(pair[0], pair[1]);
    }
  }
  const required = (name: string): string => {
    const value = present(common.get(name));
    if (value === undefined) throw new TencentError('MissingParameter', { name });
    return value;
  };
  const action = required('Action');
  const version = required('Version');
  const timestampText = required('Timestamp');
  const nonce = required('Nonce');
  const secretId = required('SecretId');
  const signature = required('Signature');
  if (!/^\d{1,19}$/.test(nonce) || BigInt(nonce) > NONCE_MAX) throw new TencentError('InvalidParameter', { name: 'Nonce' });
  const timestamp = checkTimestamp(timestampText, nowSeconds);
  const kind: V1SignatureMethod = common.get('SignatureMethod') === 'HmacSHA256' ? 'HmacSHA256' : 'HmacSHA1';
  const signed = { method, path, host: raw.headers.host ?? '', pairs, signatureMethod: kind, signature };
  return {
    kind,
    secretId,
    action,
    version,
    region: present(common.get('Region')),
    scopeService: undefined,
    language: language(common.get('Language')),
    timestamp,
    token: present(common.get('Token')),
    replayKey: `${secretId}:${nonce}:${timestampText}`,
    verify: verifyV1.bind(undefined, signed),
    params: { format: 'flat', pairs: api },
  };
}
