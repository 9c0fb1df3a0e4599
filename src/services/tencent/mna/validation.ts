import { TencentError, type TencentErrorCode } from '../../../protocols/tencent/errors.ts';

/**
 * Value rules the spec leaves open, checked in the handlers (not in the request schema) so a
 * batch reports its first failing entry, whatever the failure. A check returns the error
 * instead of throwing, so callers can rank failures by entry.
 */
export type Check = TencentError | undefined;

/** Most entries one AddHardware / ActivateHardware call may carry. */
export const MAX_BATCH = 100;
const MAX_TEXT = 256;
/** DeviceName, GroupName, NetInfoName: letters of any script, digits and `_ . : @ -`. */
const NAME = /^[\p{L}\p{N}_.:@-]{1,64}$/u;
/** SN: ASCII letters, digits and `_ . : -`. */
const SERIAL = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Room for 64 key bytes in hex (128 characters), and so in base64 (88). */
export const MAX_DATA_KEY_LENGTH = 128;
/** Control characters (a newline would blur the signed `DeviceId + "\n" + DataKey`; PostgreSQL refuses NUL) and lone surrogates (no UTF-8 form to digest or seal). */
// eslint-disable-next-line no-control-regex
const UNFIT_IN_DATA_KEY = /[\u0000-\u001f\u007f-\u009f]|\p{Cs}/u;

/** InvalidParameterValue naming the parameter (e.g. `Hardware.2.DataKey`) and why. */
export function invalidValue(name: string, reason: string): TencentError {
  return new TencentError('InvalidParameterValue', { name, detail: `The value of parameter \`${name}\` is invalid: ${reason}.` });
}

/**
 * A business error about one parameter of a batch: the catalog text plus which entry and value,
 * e.g. "SN already exists (Hardware.1.SN: AN)".
 */
export function entryError(code: TencentErrorCode, name: string, value: string): TencentError {
  return new TencentError(code, { name, detail: `${new TencentError(code).message} (${name}: ${value})` });
}

/** The first failed check, if any. */
export const firstProblem = (...checks: Check[]): Check => checks.find((check) => check !== undefined);

/** Throws the first failed check. */
export function assertValid(...checks: Check[]): void {
  const failed = firstProblem(...checks);
  if (failed) throw failed;
}

export const checkName = (name: string, value: string | undefined): Check =>
  value === undefined || NAME.test(value) ? undefined : invalidValue(name, 'it must be 1 to 64 letters, digits or the characters _ . : @ -');

export const checkSerial = (name: string, value: string | undefined): Check =>
  value === undefined || SERIAL.test(value) ? undefined : invalidValue(name, 'it must be 1 to 64 ASCII letters, digits or the characters _ . : -');

export const checkText = (name: string, value: string | undefined): Check =>
  value === undefined || value.length <= MAX_TEXT ? undefined : invalidValue(name, `it must be at most ${MAX_TEXT} characters long`);

export function checkOneOf(name: string, value: number | undefined, allowed: readonly number[]): Check {
  return value === undefined || allowed.includes(value) ? undefined : invalidValue(name, `it must be one of ${allowed.join(', ')}`);
}

export function checkAtLeast(name: string, value: number | undefined, min: number): Check {
  return value === undefined || value >= min ? undefined : invalidValue(name, `it must be at least ${min}`);
}

export function checkRequired(name: string, value: unknown): Check {
  return value !== undefined ? undefined : invalidValue(name, 'it is required');
}

/**
 * A DataKey is a string of 1 to 128 characters without control characters. The spec documents it
 * only as a "device key" string (AddDevice adds "base64-encoded"), and Tencent's own examples use
 * `mna-test1`, `dasdfrfwer32e4r` and `keys`, none of them base64: any such string is accepted.
 */
export function checkDataKey(name: string, value: string | undefined): Check {
  if (value === undefined) return undefined;
  // Counted in characters (code points), not UTF-16 units.
  const length = [...value].length;
  if (length === 0 || length > MAX_DATA_KEY_LENGTH) return invalidValue(name, `it must be 1 to ${MAX_DATA_KEY_LENGTH} characters long`);
  return UNFIT_IN_DATA_KEY.test(value) ? invalidValue(name, 'it must not contain control characters or unpaired surrogates') : undefined;
}

export function checkBatch(name: string, size: number): Check {
  return size >= 1 && size <= MAX_BATCH ? undefined : invalidValue(name, `it must contain 1 to ${MAX_BATCH} entries`);
}

/** Rows of one page, or every row when both PageNumber and PageSize are -1. */
export type PageWindow = { readonly limit: number; readonly offset: number } | 'all';

export function pageWindow(pageNumber: number, pageSize: number): PageWindow {
  if (pageNumber === -1 && pageSize === -1) return 'all';
  assertValid(
    pageNumber >= 1 ? undefined : invalidValue('PageNumber', 'it must be at least 1, or -1 together with PageSize -1'),
    pageSize >= 1 ? undefined : invalidValue('PageSize', 'it must be at least 1, or -1 together with PageNumber -1'),
  );
  const offset = (pageNumber - 1) * pageSize;
  assertValid(Number.isSafeInteger(offset) ? undefined : invalidValue('PageNumber', 'the page lies beyond any possible row'));
  return { limit: pageSize, offset };
}

export function totalPages(total: number, window: PageWindow): number {
  if (window === 'all') return total > 0 ? 1 : 0;
  return Math.ceil(total / window.limit);
}
