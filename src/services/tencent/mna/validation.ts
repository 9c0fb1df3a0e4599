import { invalidValue, type Check } from '../params-rules.ts';

// MNA's own value rules; the Tencent-wide ones are in ../params-rules.ts.

/** Most entries one AddHardware / ActivateHardware call may carry. */
export const MAX_BATCH = 100;
const MAX_TEXT = 256;
/** DeviceName, GroupName, NetInfoName: letters of any script, digits and `_ . : @ -`. */
const NAME = /^[\p{L}\p{N}_.:@-]{1,64}$/u;
/** SN: ASCII letters, digits and `_ . : -`. */
const SERIAL = /^[A-Za-z0-9_.:-]{1,64}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX_DATA_KEY_BYTES = 64;

export const checkName = (name: string, value: string | undefined): Check =>
  value === undefined || NAME.test(value) ? undefined : invalidValue(name, 'it must be 1 to 64 letters, digits or the characters _ . : @ -');

export const checkSerial = (name: string, value: string | undefined): Check =>
  value === undefined || SERIAL.test(value) ? undefined : invalidValue(name, 'it must be 1 to 64 ASCII letters, digits or the characters _ . : -');

export const checkText = (name: string, value: string | undefined): Check =>
  value === undefined || value.length <= MAX_TEXT ? undefined : invalidValue(name, `it must be at most ${MAX_TEXT} characters long`);

/** A DataKey is canonical base64 of 1 to 64 bytes. */
export function checkDataKey(name: string, value: string | undefined): Check {
  if (value === undefined) return undefined;
  const bytes = Buffer.from(value, 'base64');
  const canonical = value.length > 0 && BASE64.test(value) && bytes.toString('base64') === value;
  return canonical && bytes.length <= MAX_DATA_KEY_BYTES ? undefined : invalidValue(name, `it must be base64 of 1 to ${MAX_DATA_KEY_BYTES} bytes`);
}

export function checkBatch(name: string, size: number): Check {
  return size >= 1 && size <= MAX_BATCH ? undefined : invalidValue(name, `it must contain 1 to ${MAX_BATCH} entries`);
}
