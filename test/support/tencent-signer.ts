import { stringify as querystringify } from 'node:querystring';
import type { RawRequest } from '../../src/protocols/raw-request.ts';
import { stringifyJson } from '../../src/protocols/tencent/json.ts';
import { stripPort, tc3CanonicalRequest, tc3Signature, UNSIGNED_PAYLOAD_HASH, utcDate } from '../../src/protocols/tencent/tc3.ts';
import { v1Signature, v1StringToSign } from '../../src/protocols/tencent/v1.ts';
import type { V1SignatureMethod } from '../../src/protocols/tencent/v1.ts';
import { sha256Hex } from '../../src/protocols/digest.ts';

// Client-side signers reproducing tencentcloud-sdk-nodejs 4.x requests, pure (time and nonce are
// inputs). For tests and benchmarks: the server only verifies.

/** A flattened parameter value as the Node SDK puts it on the wire. */
type FlatValue = string | number | boolean | bigint;

/**
 * The Node SDK's `mergeData`: nested objects and arrays become dotted names with 0-based list
 * indexes (`Hardware.0.SN`); null and undefined are dropped, so are empty arrays and objects.
 */
export function flattenParams(params: Readonly<Record<string, unknown>>, prefix = ''): Record<string, FlatValue> {
  const out: Record<string, FlatValue> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'object') Object.assign(out, flattenParams(value as Record<string, unknown>, `${prefix}${name}.`));
    else out[`${prefix}${name}`] = value as FlatValue;
  }
  return out;
}

/** `querystring.stringify`, then normalised as WHATWG URL does when the SDK sends it (capture tc-activate-tc3-get). */
function wireQuery(params: Readonly<Record<string, FlatValue>>): string {
  return new URL(`http://h/?${querystringify(params)}`).search.slice(1);
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

/** Common options of both signers. */
interface CommonSignOptions {
  readonly secretId: string;
  readonly secretKey: string;
  readonly action: string;
  readonly version: string;
  readonly region?: string;
  readonly token?: string;
  readonly language?: 'en-US' | 'zh-CN';
  /** Unix seconds. */
  readonly timestamp: number;
  readonly method?: 'POST' | 'GET';
  /** Host header, with port if any (`127.0.0.1:41071`). */
  readonly host: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly requestClient?: string;
  /** More headers to send (lower-case names), e.g. `x-tc-traceid`. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Options of signTc3Request; the defaults reproduce tencentcloud-sdk-nodejs 4.x. */
export interface Tc3SignOptions extends CommonSignOptions {
  /** Credential-scope service; default the first dot-label of `host`, as the Node SDK does. */
  readonly service?: string;
  /** Sign `host` with its port (Go, Python) instead of the bare hostname (Node). */
  readonly signHostWithPort?: boolean;
  /** Further headers (lower-case names, present in `headers`) to sign, e.g. `x-tc-action`. */
  readonly extraSignedHeaders?: readonly string[];
  /** Content-Type to send and sign; default application/json (POST), form (GET). */
  readonly contentType?: string;
  /** Exact body to send instead of the SDK's compact JSON (e.g. Python's spaced JSON). */
  readonly body?: string;
  /** Send X-TC-Content-SHA256: UNSIGNED-PAYLOAD (Go UnsignedPayload). */
  readonly unsignedPayload?: boolean;
}

/** A TC3-HMAC-SHA256 request as the Node SDK sends it (Signature v3 doc; tencentcloud-sdk-nodejs 4.1.313). */
export function signTc3Request(options: Tc3SignOptions): RawRequest {
  const method = options.method ?? 'POST';
  const params = withoutNulls(options.params ?? {}) as Record<string, unknown>;
  const query = method === 'GET' ? wireQuery(flattenParams(params)) : '';
  const body = method === 'POST' ? Buffer.from(options.body ?? stringifyJson(params)) : Buffer.alloc(0);
  const headers: Record<string, string> = {
    ...options.headers,
    host: options.host,
    'x-tc-action': options.action,
    'x-tc-timestamp': String(options.timestamp),
    'x-tc-version': options.version,
    'x-tc-requestclient': options.requestClient ?? 'SDK_NODEJS_4.1.313',
    'content-type': options.contentType ?? (method === 'POST' ? 'application/json' : 'application/x-www-form-urlencoded'),
  };
  if (options.region !== undefined) headers['x-tc-region'] = options.region;
  if (options.token !== undefined) headers['x-tc-token'] = options.token;
  if (options.language !== undefined) headers['x-tc-language'] = options.language;
  if (options.unsignedPayload === true) headers['x-tc-content-sha256'] = 'UNSIGNED-PAYLOAD';
  const signedHost = options.signHostWithPort === true ? options.host : stripPort(options.host);
  const names = ['content-type', 'host', ...(options.extraSignedHeaders ?? [])].sort();
  const canonicalHeaders = names
    .map((name) => `${name}:${(name === 'host' ? signedHost : (headers[name] ?? '')).trim().toLowerCase()}\n`)
    .join('');
  const date = utcDate(options.timestamp);
  const service = options.service ?? options.host.split('.')[0]!;
  const signedHeaders = names.join(';');
  const canonical = tc3CanonicalRequest({
    method,
    path: '/',
    rawQuery: query,
    canonicalHeaders,
    signedHeaders,
    payloadHash: options.unsignedPayload === true ? UNSIGNED_PAYLOAD_HASH : sha256Hex(body),
  });
  const signature = tc3Signature(options.secretKey, date, service, String(options.timestamp), canonical);
  headers.authorization = `TC3-HMAC-SHA256 Credential=${options.secretId}/${date}/${service}/tc3_request, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { method, url: method === 'GET' ? `/?${query}` : '/', headers, body };
}

/** Options of signV1Request; the defaults reproduce tencentcloud-sdk-nodejs 4.x with signMethod set. */
export interface V1SignOptions extends CommonSignOptions {
  readonly signatureMethod: V1SignatureMethod;
  /** The Node SDK draws 0..65535; Python up to 2^63−1 (hence string or bigint too). */
  readonly nonce: number | bigint | string;
}

/** A signature v1 request (form POST or GET) as the Node SDK sends it (Signature v1 doc; tencentcloud-sdk-nodejs 4.1.313). */
export function signV1Request(options: V1SignOptions): RawRequest {
  const method = options.method ?? 'POST';
  // The SDK's formatRequestData order: API parameters, then the common ones.
  const params: Record<string, FlatValue> = {
    ...flattenParams(withoutNulls(options.params ?? {}) as Record<string, unknown>),
    Action: options.action,
    RequestClient: options.requestClient ?? 'SDK_NODEJS_4.1.313',
    Nonce: String(options.nonce),
    Timestamp: options.timestamp,
    Version: options.version,
    SecretId: options.secretId,
  };
  if (options.region !== undefined) params.Region = options.region;
  if (options.token !== undefined) params.Token = options.token;
  if (options.language !== undefined) params.Language = options.language;
  params.SignatureMethod = options.signatureMethod;
  const pairs = Object.entries(params).map(([k, v]) => [k, String(v)] as const);
  params.Signature = v1Signature(options.signatureMethod, options.secretKey, v1StringToSign(method, options.host, '/', pairs));
  const headers: Record<string, string> = { ...options.headers, host: options.host };
  if (method === 'GET') return { method, url: `/?${wireQuery(params)}`, headers, body: Buffer.alloc(0) };
  headers['content-type'] = 'application/x-www-form-urlencoded';
  return { method, url: '/', headers, body: Buffer.from(querystringify(params)) };
}
