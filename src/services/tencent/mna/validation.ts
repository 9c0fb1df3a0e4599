import { invalidValue, type Check } from '../params-rules.ts';

// MNA's own value rules; the Tencent-wide ones are in ../params-rules.ts.

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

export const checkName = (name: string, value: string | undefined): Check =>
  value === undefined || NAME.test(value) ? undefined : invalidValue(name, 'it must be 1 to 64 letters, digits or the characters _ . : @ -');

export const checkSerial = (name: string, value: string | undefined): Check =>
  value === undefined || SERIAL.test(value) ? undefined : invalidValue(name, 'it must be 1 to 64 ASCII letters, digits or the characters _ . : -');

export const checkText = (name: string, value: string | undefined): Check =>
  value === undefined || value.length <= MAX_TEXT ? undefined : invalidValue(name, `it must be at most ${MAX_TEXT} characters long`);

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
