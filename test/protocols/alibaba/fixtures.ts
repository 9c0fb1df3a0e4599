import { AlibabaError } from '../../../src/protocols/alibaba/errors.ts';
import { readReference as readAnyReference } from '../../support/reference.ts';

export { captureRequest } from '../../support/reference.ts';

/** A file of reference/alibaba. */
export function readReference<T>(file: string): T {
  return readAnyReference<T>(`alibaba/${file}`);
}

/** Time of the SDK captures (their Timestamp / x-acs-date). */
export const CAPTURE_NOW_MS = Date.parse('2026-11-22T15:11:19Z');
export const CAPTURE_SECRET = 'EXAMPLEsecretEXAMPLEsecret12';
export const CAPTURE_ACCESS_KEY_ID = 'LTAI5tEXAMPLEKEYID';

/** The AlibabaError `fn` throws; fails the test when it throws nothing or something else. */
export function thrownBy(fn: () => unknown): AlibabaError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AlibabaError) return error;
    throw error;
  }
  throw new Error('expected an AlibabaError, nothing was thrown');
}
