import { randomUUID } from 'node:crypto';
import { secureRandomBytes } from './random.ts';

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A string of `length` characters drawn uniformly from `alphabet` with a CSPRNG. */
export function randomString(alphabet: string, length: number): string {
  // Rejection sampling keeps the distribution uniform for any alphabet size.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of secureRandomBytes(length * 2)) {
      if (byte < limit) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

export const lowerAlphanumeric = (length: number): string => randomString(LOWER_ALNUM, length);
export const upperAlphanumeric = (length: number): string => randomString(UPPER_ALNUM, length);
export const mixedAlphanumeric = (length: number): string => randomString(MIXED_ALNUM, length);

/** The same characters as LOWER_ALNUM in byte order, so that counting in it sorts as it counts. */
const LOWER_ALNUM_ASCENDING = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * Lower-case alphanumeric ids of `length` characters that rows created together share a random
 * prefix of: the last `runLength` characters count up from 0 (in byte order), and a fresh random
 * prefix starts the next run. A batch of new rows then lands on a page or two of each index on
 * the id, where random ids dirty one page per row (the larger part of a 100-row insert's cost on
 * SQLite). Ids stay unpredictable across runs and unique across processes as random prefixes are.
 */
export function lowerAlphanumericRuns(length: number, runLength: number): () => string {
  const runSize = LOWER_ALNUM_ASCENDING.length ** runLength;
  let prefix = '';
  let next = runSize;
  return () => {
    if (next === runSize) {
      prefix = lowerAlphanumeric(length - runLength);
      next = 0;
    }
    let n = next++;
    let suffix = '';
    for (let i = 0; i < runLength; i++, n = Math.floor(n / LOWER_ALNUM_ASCENDING.length)) {
      suffix = LOWER_ALNUM_ASCENDING[n % LOWER_ALNUM_ASCENDING.length]! + suffix;
    }
    return prefix + suffix;
  };
}

/** Request ids of both clouds are UUID v4 strings (Alibaba's upper-case). */
export const requestId = (): string => randomUUID();
