import type { RawRequest } from '../raw-request.ts';
import { splitTarget } from '../raw-request.ts';
import { AlibabaError } from './errors.ts';
import { parseParamPairs, percentEncode } from './encoding.ts';
import { acs3CanonicalQuery, acs3CanonicalRequest, acs3Signature, acs3StringToSign, parseAcs3Authorization } from './signature-acs3.ts';
import { checkRequestTime } from './timestamp.ts';
import { checkAccessKeyId, formText, hasFormBody, once, replayKeyOf, splitParams } from './request-common.ts';
import type { AlibabaRequest } from './request-types.ts';
import { safeEqual, sha256Hex } from '../digest.ts';

// Headers whose values the request's meaning rests on; an unsigned one could be swapped in transit.
const MUST_SIGN = ['host', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'] as const;

// ACS3 carries Action/Version in headers (V3 signature doc); if a client also puts them (or Format, RegionId)
// in the query they are still not API parameters.
const COMMON = new Set(['Action', 'Version', 'Format', 'RegionId']);

function header(raw: RawRequest, name: string): string {
  const value = raw.headers[name];
  if (value === undefined || value === '') throw new AlibabaError('MissingParameter', { name });
  return value;
}

/**
 * What the headers alone decide, checked before the query and a form body are decoded: the
 * Authorization, the signed-header list, the time window and the AccessKeyId's form.
 */
export function checkAcs3Headers(raw: RawRequest, nowMs: number) {
  const auth = parseAcs3Authorization(raw.headers.authorization ?? '');
  const date = header(raw, 'x-acs-date');
  const nonce = header(raw, 'x-acs-signature-nonce');
  const hashedPayload = header(raw, 'x-acs-content-sha256');
  if (MUST_SIGN.some((name) => !auth.signedHeaders.includes(name))) throw new AlibabaError('IncompleteSignature');
  checkRequestTime(date, nowMs);
  const replayKey = replayKeyOf(auth.accessKeyId, nonce);
  checkAccessKeyId(auth.accessKeyId);
  return { auth, nonce, hashedPayload, replayKey };
}

/**
 * An ACS3-HMAC-SHA256 request (V3 signature doc). The canonical request is rebuilt from the
 * SignedHeaders list as sent (host with its port), the decoded query re-encoded with RFC 3986,
 * and x-acs-content-sha256, which must also match the body received.
 */
export function parseAcs3Request(raw: RawRequest, nowMs: number): AlibabaRequest {
  const { auth, nonce, hashedPayload, replayKey } = checkAcs3Headers(raw, nowMs);

  const { path, rawQuery } = splitTarget(raw.url);
  const queryPairs = parseParamPairs(rawQuery);
  const { common, params } = splitParams([...queryPairs, ...parseParamPairs(formText(raw))], COMMON);
  const mustSign: string[] = [];
  if (!common.has('Action')) mustSign.push('x-acs-action');
  if (!common.has('Version')) mustSign.push('x-acs-version');
  if (hasFormBody(raw)) mustSign.push('content-type');
  const action = common.get('Action') ?? header(raw, 'x-acs-action');
  const version = common.get('Version') ?? header(raw, 'x-acs-version');
  if (mustSign.some((name) => !auth.signedHeaders.includes(name))) throw new AlibabaError('IncompleteSignature');

  const stringToSign = (encodeNames: boolean): string =>
    acs3StringToSign(
      acs3CanonicalRequest({
        method: raw.method,
        path,
        canonicalQuery: acs3CanonicalQuery(queryPairs, encodeNames),
        headers: raw.headers,
        signedHeaders: auth.signedHeaders,
        hashedPayload,
      }),
    );
  const sdkForm = once(() => stringToSign(false));
  // The V3 doc's form (names encoded too) differs only for names outside the unreserved set.
  const docForm = once(() => (queryPairs.some(([name]) => percentEncode(name) !== name) ? stringToSign(true) : undefined));
  const payloadMatches = once(() => hashedPayload.toLowerCase() === sha256Hex(raw.body));

  return {
    kind: 'acs3',
    accessKeyId: auth.accessKeyId,
    action,
    version,
    format: 'JSON',
    nonce,
    replayKey,
    regionId: common.get('RegionId'),
    verify(secret) {
      if (payloadMatches()) {
        if (safeEqual(acs3Signature(sdkForm(), secret), auth.signature)) return { ok: true };
        const doc = docForm();
        if (doc !== undefined && safeEqual(acs3Signature(doc, secret), auth.signature)) return { ok: true };
      }
      return { ok: false, stringToSign: sdkForm() };
    },
    params,
  };
}
