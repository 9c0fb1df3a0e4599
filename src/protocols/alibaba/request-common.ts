import { timingSafeEqual } from 'node:crypto';
import type { RawRequest } from '../raw-request.ts';
import { AlibabaError } from './errors.ts';
import { parseParamPairs, percentEncode } from './encoding.ts';
import type { ParamPair } from './encoding.ts';

// A nonce is stored for the whole replay window; SDKs send 32 hex chars, so 128 is generous
// while keeping a hostile client from parking megabytes in the replay store.
const MAX_NONCE_LENGTH = 128;

/** True when the body is an `application/x-www-form-urlencoded` form (parameters may live there, §1.1). */
export function hasFormBody(raw: RawRequest): boolean {
  const type = raw.headers['content-type'];
  return raw.body.length > 0 && type !== undefined && /^application\/x-www-form-urlencoded\s*(?:;|$)/i.test(type);
}

/** Decoded form-body pairs, or none when the body is not a form. */
export function formPairs(raw: RawRequest): ParamPair[] {
  return hasFormBody(raw) ? parseParamPairs(raw.body.toString('utf8')) : [];
}

/**
 * Collects pairs into a record. A repeated name is rejected: the signature would cover both
 * values while a handler could only see one of them.
 */
export function toRecord(pairs: readonly ParamPair[]): Record<string, string> {
  const record: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of pairs) {
    if (name in record) throw new AlibabaError('InvalidParameter', { name });
    record[name] = value;
  }
  return record;
}

/** The record without the given names. */
export function without(record: Readonly<Record<string, string>>, names: ReadonlySet<string>): Record<string, string> {
  const rest: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name in record) if (!names.has(name)) rest[name] = record[name] as string;
  return rest;
}

/** Validates the nonce and derives the replay key (per AccessKeyId, §1.5); percent-encoding keeps it unambiguous. */
export function replayKeyOf(accessKeyId: string, nonce: string): string {
  if (nonce.length > MAX_NONCE_LENGTH) throw new AlibabaError('InvalidSignatureNonce');
  return `${percentEncode(accessKeyId)}&${percentEncode(nonce)}`;
}

/** Constant-time string comparison. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Memoises a secret-independent computation (string to sign) across verify() calls. */
export function once<T>(compute: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: compute() }).v;
}
