import type { RawRequest } from '../raw-request.ts';
import { splitTarget } from '../raw-request.ts';
import { AlibabaError } from './errors.ts';
import { parseParamPairs } from './encoding.ts';
import { v1Signature, v1StringToSign } from './signature-v1.ts';
import { checkRequestTime } from './timestamp.ts';
import { checkAccessKeyId, formText, once, replayKeyOf, scanParams, splitParams } from './request-common.ts';
import type { ResponseFormat, AlibabaRequest } from './request-types.ts';
import { safeEqual } from '../digest.ts';

// Common parameters doc: the ones that must be present (RegionId and SecurityToken need not).
const REQUIRED = ['Action', 'Version', 'AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp'] as const;

// Common parameters doc: everything that is not an API parameter.
const COMMON = new Set<string>([...REQUIRED, 'Format', 'SecurityToken', 'RegionId']);

/** `Format` is case-insensitive (pop-core `JSON`, openapi-client `json`); absent means XML (common parameters doc). */
function formatOf(value: string | undefined): ResponseFormat {
  if (value === undefined) return 'XML';
  const upper = value.toUpperCase();
  if (upper === 'JSON' || upper === 'XML') return upper;
  throw new AlibabaError('InvalidParameter', { name: 'Format' });
}

type CommonParams = Record<(typeof REQUIRED)[number], string>;

/**
 * The checks that need only the common parameters, in the order
 * answered: presence, Timestamp, SignatureMethod, SignatureVersion, nonce, AccessKeyId.
 */
function checkCommon(get: (name: string) => string | undefined, nowMs: number): { common: CommonParams; replayKey: string } {
  const common = {} as CommonParams;
  for (const name of REQUIRED) {
    const value = get(name);
    if (!value) throw new AlibabaError('MissingParameter', { name });
    common[name] = value;
  }
  checkRequestTime(common.Timestamp, nowMs);
  if (common.SignatureMethod !== 'HMAC-SHA1') throw new AlibabaError('InvalidSignatureMethod');
  if (common.SignatureVersion !== '1.0') throw new AlibabaError('IncompleteSignature');
  const replayKey = replayKeyOf(common.AccessKeyId, common.SignatureNonce);
  checkAccessKeyId(common.AccessKeyId);
  return { common, replayKey };
}

function v1ParamTexts(raw: RawRequest): string[] {
  return [splitTarget(raw.url).rawQuery, formText(raw)];
}

/** On a large request, the common parameters found by one scan, checked; undefined when the request is small or the scan cannot tell. */
function scannedV1Common(texts: readonly string[], nowMs: number): CommonParams | undefined {
  const scanned = scanParams(texts, REQUIRED);
  return scanned === undefined ? undefined : checkCommon((name) => scanned.get(name), nowMs).common;
}

/** The AccessKeyId of a large v1 request, once the checks its common parameters allow have passed. */
export function scannedV1AccessKeyId(raw: RawRequest, nowMs: number): string | undefined {
  return scannedV1Common(v1ParamTexts(raw), nowMs)?.AccessKeyId;
}

/**
 * A v1 (HMAC-SHA1) request (PROTOCOL.md §1.3): parameters from the query (GET, or openapi-client
 * 'v2' POST) and/or the form body (pop-core POST), all of them signed with the wire method. A
 * large request has its common parameters checked before it is split and decoded.
 */
export function parseV1Request(raw: RawRequest, nowMs: number): AlibabaRequest {
  const texts = v1ParamTexts(raw);
  scannedV1Common(texts, nowMs);
  // Query pairs, then form pairs (concat: no generic flatMap, no spread of a 30,000-pair body).
  const pairs = texts[1] === '' ? parseParamPairs(texts[0]!) : parseParamPairs(texts[0]!).concat(parseParamPairs(texts[1]!));
  const { common: all, params } = splitParams(pairs, COMMON);
  const { common, replayKey } = checkCommon((name) => all.get(name), nowMs);
  const format = formatOf(all.get('Format'));
  const stringToSign = once(() => v1StringToSign(raw.method, pairs));
  return {
    kind: 'v1',
    accessKeyId: common.AccessKeyId,
    action: common.Action,
    version: common.Version,
    format,
    nonce: common.SignatureNonce,
    replayKey,
    regionId: all.get('RegionId'),
    verify(secret) {
      const expected = v1Signature(stringToSign(), secret);
      return safeEqual(expected, common.Signature) ? { ok: true } : { ok: false, stringToSign: stringToSign() };
    },
    params,
  };
}
