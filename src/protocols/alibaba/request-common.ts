import type { RawRequest } from '../raw-request.ts';
import { AlibabaError } from './errors.ts';
import { decodeComponent, percentEncode } from './encoding.ts';
import type { ParamPair } from './encoding.ts';

// A nonce is stored for the whole replay window; SDKs send 32 hex chars, so 128 is generous
// while keeping a hostile client from parking megabytes in the replay store.
const MAX_NONCE_LENGTH = 128;

/** True when the body is an `application/x-www-form-urlencoded` form (pop-core POST puts parameters there). */
export function hasFormBody(raw: RawRequest): boolean {
  const type = raw.headers['content-type'];
  return raw.body.length > 0 && type !== undefined && /^application\/x-www-form-urlencoded\s*(?:;|$)/i.test(type);
}

/** The form body as text, or '' when the body is not a form. */
export function formText(raw: RawRequest): string {
  return hasFormBody(raw) ? raw.body.toString('utf8') : '';
}

// Below this size splitting and decoding everything costs next to nothing; above it, up to the
// 4 MiB limit, about a hundred milliseconds of event loop.
const SCAN_FIRST_BYTES = 64 * 1024;

// Some pair whose name carries a percent escape: then a name missing from a scan may still be there.
const ESCAPED_NAME = /(?:^|&)[^=&]*%/;

/**
 * Reads the named parameters out of query and form texts without splitting and decoding them
 * all: the first `name=` spelled plainly at the start of a pair (a raw `&` always separates
 * pairs, so a match never lies inside a value). Undefined when the texts are small enough to
 * parse outright, or when a name is missing but might be hidden behind a percent escape: only a
 * conclusive answer is given, so checks made on it refuse nothing the full parse would accept.
 */
export function scanParams(texts: readonly string[], names: readonly string[]): ReadonlyMap<string, string> | undefined {
  if (texts.reduce((sum, text) => sum + text.length, 0) < SCAN_FIRST_BYTES) return undefined;
  const found = new Map<string, string>();
  const pattern = new RegExp(`(?:^|&)(${names.join('|')})=([^&]*)`, 'g');
  for (const text of texts) {
    for (const match of text.matchAll(pattern)) {
      if (!found.has(match[1]!)) found.set(match[1]!, decodeComponent(match[2]!));
      if (found.size === names.length) return found;
    }
  }
  return texts.some((text) => ESCAPED_NAME.test(text)) ? undefined : found;
}

// AccessKeyIds are alphanumeric (`LTAI…`); the admin API takes pinned ones of up to 128 characters.
const MAX_ACCESS_KEY_ID_LENGTH = 128;

/**
 * No key has an AccessKeyId over 128 characters or with a control character (one with a NUL
 * could not even be looked up on PostgreSQL): such a key is simply not found, before any lookup.
 */
export function checkAccessKeyId(accessKeyId: string): void {
  if (accessKeyId.length > MAX_ACCESS_KEY_ID_LENGTH || hasControlCharacter(accessKeyId)) throw new AlibabaError('InvalidAccessKeyId.NotFound');
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Parameters split into the common ones a protocol reads itself and the API parameters. */
export interface SplitParams {
  readonly common: ReadonlyMap<string, string>;
  readonly params: ReadonlyMap<string, string>;
}

/**
 * Splits pairs into common and API parameters in one pass (lists of 10,000 rows make copies
 * costly). A repeated name is rejected with InvalidParameter: the signature would cover both
 * values while a handler could only see one of them. Maps, not objects: a name such as
 * `__proto__` is just a name, and a fresh name costs a hash rather than V8's slow keyed store.
 */
export function splitParams(pairs: readonly ParamPair[], commonNames: ReadonlySet<string>): SplitParams {
  const common = new Map<string, string>();
  const params = new Map<string, string>();
  for (const [name, value] of pairs) {
    const into = commonNames.has(name) ? common : params;
    if (into.has(name)) throw new AlibabaError('InvalidParameter', { name });
    into.set(name, value);
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
