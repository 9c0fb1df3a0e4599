import type { RawRequest } from '../raw-request.ts';
import { AlibabaError } from './errors.ts';
import { parseParamPairs, percentEncode } from './encoding.ts';
import type { ParamPair } from './encoding.ts';

// A nonce is stored for the whole replay window; SDKs send 32 hex chars, so 128 is generous
// while keeping a hostile client from parking megabytes in the replay store.
const MAX_NONCE_LENGTH = 128;

/** True when the body is an `application/x-www-form-urlencoded` form (pop-core POST puts parameters there). */
export function hasFormBody(raw: RawRequest): boolean {
  const type = raw.headers['content-type'];
  return raw.body.length > 0 && type !== undefined && /^application\/x-www-form-urlencoded\s*(?:;|$)/i.test(type);
}

/** Decoded form-body pairs, or none when the body is not a form. */
export function formPairs(raw: RawRequest): ParamPair[] {
  return hasFormBody(raw) ? parseParamPairs(raw.body.toString('utf8')) : [];
}

/** Parameters split into the common ones a protocol reads itself and the API parameters. */
export interface SplitParams {
  readonly common: ReadonlyMap<string, string>;
  readonly params: Record<string, string>;
}

/**
 * Splits pairs into common and API parameters in one pass (lists of 10,000 rows make copies
 * costly). A repeated name is rejected with InvalidParameter: the signature would cover both
 * values while a handler could only see one of them.
 */
export function splitParams(pairs: readonly ParamPair[], commonNames: ReadonlySet<string>): SplitParams {
  const common = new Map<string, string>();
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of pairs) {
    const isCommon = commonNames.has(name);
    if (isCommon ? common.has(name) : params[name] !== undefined) throw new AlibabaError('InvalidParameter', { name });
    if (isCommon) common.set(name, value);
    else params[name] = value;
  }
  return { common, params };
}

/** Validates the nonce and derives the replay key (per AccessKeyId); percent-encoding keeps it unambiguous. */
export function replayKeyOf(accessKeyId: string, nonce: string): string {
  if (nonce.length > MAX_NONCE_LENGTH) throw new AlibabaError('InvalidSignatureNonce');
  return `${percentEncode(accessKeyId)}&${percentEncode(nonce)}`;
}

/** Memoises a secret-independent computation (string to sign) across verify() calls. */
export function once<T>(compute: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: compute() }).v;
}
