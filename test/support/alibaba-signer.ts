import { stringify } from 'node:querystring';
import type { RawRequest } from '../../src/protocols/raw-request.ts';
import { percentEncode, sortPairs } from '../../src/protocols/alibaba/encoding.ts';
import type { ParamPair } from '../../src/protocols/alibaba/encoding.ts';
import { v1CanonicalizedQuery, v1Signature, v1StringToSign } from '../../src/protocols/alibaba/signature-v1.ts';
import { ACS3_ALGORITHM, acs3CanonicalQuery, acs3CanonicalRequest, acs3Signature, acs3StringToSign } from '../../src/protocols/alibaba/signature-acs3.ts';
import { sha256Hex } from '../../src/protocols/digest.ts';

/**
 * Client-side signers that reproduce, byte for byte in everything signed, the requests of
 * @alicloud/pop-core 1.8.0 and @alicloud/iot20180120 3.0.11 (reference/sdk-wire-captures.json). They are
 * pure: time and nonce are inputs. For tests and benchmarks; the server never signs.
 */
export interface ClientCall {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly action: string;
  readonly version: string;
  /** API parameters as an SDK takes them: arrays become 1-based RepeatLists, objects dotted names. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The configured endpoint, host[:port]; sent (and for ACS3 signed) as Host. */
  readonly host: string;
  readonly nowMs: number;
  readonly nonce: string;
}

/** Extra inputs of an ACS3 call. */
export interface Acs3ClientCall extends ClientCall {
  readonly method?: 'GET' | 'POST';
  /** Additional headers; like the SDK, every `x-acs-*` / `content-type` one gets signed. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Parameters to send as a form body instead of the query. */
  readonly form?: Readonly<Record<string, unknown>>;
}

const POP_CORE_UA = 'AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.8.0';
const TEA_UA = 'AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/1';

/** `yyyy-MM-ddTHH:mm:ssZ`, milliseconds dropped as both SDKs do. */
function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

function flattenInto(out: [string, string][], prefix: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => flattenInto(out, `${prefix}.${i + 1}`, item));
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flattenInto(out, `${prefix}.${k}`, v);
  } else {
    out.push([prefix, String(value)]);
  }
}

/** Flattens SDK-style parameters (openapi-util `query`, pop-core `flatParams`): `DeviceList.1.DeviceName`. */
function flattenParams(params: Readonly<Record<string, unknown>>): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(params)) flattenInto(out, name, value);
  return out;
}

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function popCoreParams(call: ClientCall): readonly ParamPair[] {
  const api = Object.fromEntries(Object.entries(call.params).map(([k, v]) => [upperFirst(k), v]));
  const all: Record<string, unknown> = {
    Action: call.action,
    Format: 'JSON',
    Timestamp: isoSeconds(call.nowMs),
    Version: call.version,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: call.nonce,
    AccessKeyId: call.accessKeyId,
    ...api,
  };
  return sortPairs(flattenParams(all));
}

function popCoreHeaders(call: ClientCall): Record<string, string> {
  return {
    'x-sdk-client': 'Node.js(v20.20.2), @alicloud/pop-core: 1.8.0',
    'user-agent': POP_CORE_UA,
    'x-acs-action': call.action,
    'x-acs-version': call.version,
    host: call.host,
  };
}

function popCoreSigned(method: 'GET' | 'POST', call: ClientCall): string {
  const pairs = popCoreParams(call);
  const signature = v1Signature(v1StringToSign(method, pairs), call.accessKeySecret);
  // pop-core appends the Signature after the sorted parameters.
  return `${v1CanonicalizedQuery(pairs)}&Signature=${percentEncode(signature)}`;
}

/** pop-core `request(action, params)`: GET, every parameter in the query. */
export function signPopCoreGet(call: ClientCall): RawRequest {
  return { method: 'GET', url: `/?${popCoreSigned('GET', call)}`, headers: popCoreHeaders(call), body: Buffer.alloc(0) };
}

/** pop-core `request(action, params, {method: 'POST'})`: every parameter in a form body. */
export function signPopCorePost(call: ClientCall): RawRequest {
  const body = Buffer.from(popCoreSigned('POST', call));
  return {
    method: 'POST',
    url: '/',
    headers: { ...popCoreHeaders(call), 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) },
    body,
  };
}

/** iot20180120 with `signatureAlgorithm: 'v2'`: v1 HMAC-SHA1, POST, everything in the query (capture ali-iot-v2). */
export function signOpenApiV2(call: ClientCall): RawRequest {
  const query: [string, string][] = [
    ['Action', call.action],
    ['Format', 'json'],
    ['Version', call.version],
    ['Timestamp', isoSeconds(call.nowMs)],
    ['SignatureNonce', call.nonce],
    ...flattenParams(call.params),
    ['SignatureMethod', 'HMAC-SHA1'],
    ['SignatureVersion', '1.0'],
    ['AccessKeyId', call.accessKeyId],
  ];
  query.push(['Signature', v1Signature(v1StringToSign('POST', query), call.accessKeySecret)]);
  return {
    method: 'POST',
    url: `/?${stringify(Object.fromEntries(query))}`,
    headers: {
      host: call.host,
      'x-acs-version': call.version,
      'x-acs-action': call.action,
      'user-agent': TEA_UA,
      'x-acs-credentials-provider': 'static_ak',
      'content-length': '0',
    },
    body: Buffer.alloc(0),
  };
}

/** iot20180120 default: ACS3-HMAC-SHA256, parameters in the query (Node querystring), V3 signature doc. */
export function signAcs3(call: Acs3ClientCall): RawRequest {
  const method = call.method ?? 'POST';
  const query = flattenParams(call.params);
  const body = call.form === undefined ? Buffer.alloc(0) : Buffer.from(stringify(Object.fromEntries(flattenParams(call.form))));
  const headers: Record<string, string> = {
    host: call.host,
    'x-acs-version': call.version,
    'x-acs-action': call.action,
    'user-agent': TEA_UA,
    'x-acs-date': isoSeconds(call.nowMs),
    'x-acs-signature-nonce': call.nonce,
    accept: 'application/json',
    ...(call.form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
    ...Object.fromEntries(Object.entries(call.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    'x-acs-content-sha256': sha256Hex(body),
    'x-acs-credentials-provider': 'static_ak',
  };
  // openapi-util getAuthorizationHeaders: host, content-type and x-acs-*, sorted.
  const signedHeaders = Object.keys(headers)
    .filter((h) => h === 'host' || h === 'content-type' || h.startsWith('x-acs-'))
    .sort();
  const canonical = acs3CanonicalRequest({
    method,
    path: '/',
    canonicalQuery: acs3CanonicalQuery(query),
    headers,
    signedHeaders,
    hashedPayload: headers['x-acs-content-sha256'] as string,
  });
  const signature = acs3Signature(acs3StringToSign(canonical), call.accessKeySecret);
  headers.authorization = `${ACS3_ALGORITHM} Credential=${call.accessKeyId},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`;
  headers['content-length'] = String(body.length);
  const wireQuery = stringify(Object.fromEntries(query));
  return { method, url: wireQuery === '' ? '/' : `/?${wireQuery}`, headers, body };
}
