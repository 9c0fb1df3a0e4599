import type { RawRequest } from '../raw-request.ts';
import { splitTarget } from '../raw-request.ts';
import { AlibabaError } from './errors.ts';
import { hasFormBody } from './request-common.ts';
import { checkAcs3Headers, parseAcs3Request } from './request-acs3.ts';
import { parseV1Request, scannedV1AccessKeyId } from './request-v1.ts';
import type { ResponseFormat, AlibabaRequest } from './request-types.ts';

// As the SDK captures show (reference/sdk-wire-captures.json): Alibaba v1 carries AccessKeyId /
// SignatureNonce parameters (Tencent v1 uses SecretId / Nonce); only Alibaba sends x-acs-* headers.
const V1_MARKER = /(?:^|&)(?:AccessKeyId|SignatureNonce)=/;
const FORMAT_PARAM = /(?:^|&)Format=([^&]*)/;

function isAcs3(raw: RawRequest): boolean {
  return raw.headers.authorization?.startsWith('ACS3-') === true;
}

function paramSources(raw: RawRequest): string[] {
  const sources = [splitTarget(raw.url).rawQuery];
  if (hasFormBody(raw)) sources.push(raw.body.toString('latin1'));
  return sources;
}

/**
 * True for requests meant for the Alibaba RPC protocol: an ACS3 Authorization, any x-acs-action /
 * x-acs-version header (pop-core sends them with v1 too), or v1 signature parameters.
 */
export function isAlibabaRequest(raw: RawRequest): boolean {
  if (isAcs3(raw) || raw.headers['x-acs-action'] !== undefined || raw.headers['x-acs-version'] !== undefined) return true;
  return paramSources(raw).some((source) => V1_MARKER.test(source));
}

/**
 * The format to answer in, including for requests that fail to parse (common parameters doc): ACS3 is
 * always JSON; v1 follows `Format` case-insensitively; v1 without a readable `Format` gets XML.
 */
export function responseFormatOf(raw: RawRequest): ResponseFormat {
  if (isAcs3(raw)) return 'JSON';
  for (const source of paramSources(raw)) {
    const m = FORMAT_PARAM.exec(source);
    if (m !== null) return m[1]?.toUpperCase() === 'JSON' ? 'JSON' : 'XML';
  }
  return 'XML';
}

/**
 * Fleetgate's limits; Alibaba documents none for RPC bodies. A body gets the room a GET's request
 * line has (server.ts MAX_HEADER_BYTES): the largest documented call, a 10,000-row batch, needs
 * about 2 MB in either place.
 */
export const ALIBABA_LIMITS = Object.freeze({ bodyBytes: 4 * 1024 * 1024 });

/**
 * Parses an Alibaba RPC request without authenticating it: call `verify(secret)` once the
 * AccessKeyId is resolved. What costs little is checked before the parameters are decoded: the
 * method, the body size, then the signature's common parameters or headers. Throws AlibabaError:
 * UnsupportedHTTPMethod, InvalidParameter `body` (over 4 MiB), MissingParameter,
 * InvalidTimeStamp.Format / .Expired, IncompleteSignature, InvalidSignatureMethod,
 * InvalidAccessKeyId.NotFound (an AccessKeyId no key can have: control characters such as NUL,
 * over 128 characters), InvalidParameter (repeated name, bad Format, NUL in RegionId),
 * InvalidParameter.Format (bad escapes).
 */
function checkEnvelope(raw: RawRequest): void {
  // RPC style is GET or POST only.
  if (raw.method !== 'GET' && raw.method !== 'POST') throw new AlibabaError('UnsupportedHTTPMethod');
  if (raw.body.length > ALIBABA_LIMITS.bodyBytes) throw new AlibabaError('InvalidParameter', { name: 'body' });
}

/** Bodies above this cost more to decode than a key lookup: their AccessKeyId is looked up first. */
const LOOK_UP_KEY_FIRST_BYTES = 64 * 1024;

/**
 * The AccessKeyId of a request large enough that decoding it costs real time, once every check
 * that needs no decoding has passed, so the gateway can refuse an unknown key before the parse:
 * a forged key then costs a scan, not a decode. Undefined for small requests, or when one scan
 * cannot find the key (the full parse decides then).
 */
export function largeRequestAccessKeyId(raw: RawRequest, nowMs: number): string | undefined {
  checkEnvelope(raw);
  if (raw.body.length + raw.url.length < LOOK_UP_KEY_FIRST_BYTES) return undefined;
  return isAcs3(raw) ? checkAcs3Headers(raw, nowMs).auth.accessKeyId : scannedV1AccessKeyId(raw, nowMs);
}

export function parseAlibabaRequest(raw: RawRequest, nowMs: number): AlibabaRequest {
  checkEnvelope(raw);
  const request = isAcs3(raw) ? parseAcs3Request(raw, nowMs) : parseV1Request(raw, nowMs);
  // RegionId is stored with a product; PostgreSQL refuses NUL in text.
  if (request.regionId?.includes('\0')) throw new AlibabaError('InvalidParameter', { name: 'RegionId' });
  return request;
}
