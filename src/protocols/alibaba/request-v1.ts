import type { RawRequest } from '../raw-request.ts';
import { splitTarget } from '../raw-request.ts';
import { AlibabaError } from './errors.ts';
import { parseParamPairs } from './encoding.ts';
import { v1Signature, v1StringToSign } from './signature-v1.ts';
import { checkRequestTime } from './timestamp.ts';
import { formPairs, once, replayKeyOf, splitParams } from './request-common.ts';
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

/**
 * A v1 (HMAC-SHA1) request (v1 signature doc): parameters from the query (GET, or openapi-client
 * 'v2' POST) and/or the form body (pop-core POST), all of them signed with the wire method.
 */
export function parseV1Request(raw: RawRequest, nowMs: number): AlibabaRequest {
  const pairs = [...parseParamPairs(splitTarget(raw.url).rawQuery), ...formPairs(raw)];
  const { common: all, params } = splitParams(pairs, COMMON);
  const common = {} as Record<(typeof REQUIRED)[number], string>;
  for (const name of REQUIRED) {
    const value = all.get(name);
    if (!value) throw new AlibabaError('MissingParameter', { name });
    common[name] = value;
  }
  checkRequestTime(common.Timestamp, nowMs);
  if (common.SignatureMethod !== 'HMAC-SHA1') throw new AlibabaError('InvalidSignatureMethod');
  if (common.SignatureVersion !== '1.0') throw new AlibabaError('IncompleteSignature');
  const format = formatOf(all.get('Format'));
  const replayKey = replayKeyOf(common.AccessKeyId, common.SignatureNonce);
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
