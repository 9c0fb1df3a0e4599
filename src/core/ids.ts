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

/** Request ids of both clouds are UUID v4 strings (Alibaba's upper-case). */
export const requestId = (): string => randomUUID();
