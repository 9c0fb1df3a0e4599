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

/**
 * Ids issued in runs: a fresh `prefix()` starts each run of `runSize` ids, whose ends `counter(n)`
 * gives counting up. Rows created together then land on a page or two of each index on the id,
 * where random ids dirty one page per row (the larger part of a 100-row insert's cost on SQLite).
 * Ids stay unpredictable across runs and unique across processes as random prefixes are.
 */
export function idRuns(prefix: () => string, runSize: number, counter: (n: number) => string): () => string {
  let current = '';
  let next = runSize;
  return () => {
    if (next === runSize) {
      current = prefix();
      next = 0;
    }
    return current + counter(next++);
  };
}

/**
 * Lower-case alphanumeric ids of `length` characters in runs (see idRuns): the last `runLength`
 * characters count up from 0 in base 36, whose digits `0-9a-z` sort in byte order as they count.
 */
export const lowerAlphanumericRuns = (length: number, runLength: number): (() => string) =>
  idRuns(() => lowerAlphanumeric(length - runLength), 36 ** runLength, (n) => n.toString(36).padStart(runLength, '0'));

/** Request ids of both clouds are UUID v4 strings (Alibaba's upper-case). */
export const requestId = (): string => randomUUID();
