import { LosslessNumber, isInteger as isIntegerText } from 'lossless-json';
import { TencentError } from './errors.ts';

/**
 * Typing of one leaf value. Form/query values are strings (as the SDKs send them): Boolean accepts
 * `true|false|True|False` (Python sends `True`), Integer decimal strings, Number decimal or
 * exponent notation. JSON values keep their JSON type, and a JSON string is also accepted for
 * Integer, Number and Boolean with the same rules (the docs' own examples send
 * `"Encrypted":"false"`); a JSON number or boolean is never accepted for a String.
 *
 * 64-bit integers: a value within ±(2^53−1) becomes a number; beyond, a bigint when the schema
 * admits one (Type.BigInt, or a union of Integer and BigInt), else InvalidParameterValue: a
 * silently rounded ID or amount would be worse than a refusal. No spec field needs more today.
 */
export type IntegerMode = 'number' | 'number-or-bigint' | 'bigint';

const INTEGER_TEXT = /^-?\d+$/;
const NUMBER_TEXT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function typeError(path: string): TencentError {
  return new TencentError('InvalidParameter', { name: path });
}

function integerFromText(text: string, mode: IntegerMode, path: string): number | bigint {
  // Up to 15 digits always fits a double exactly.
  if (mode !== 'bigint' && text.length <= 15) return Number(text);
  const value = BigInt(text);
  if (mode === 'bigint') return value;
  if (value <= MAX_SAFE && value >= -MAX_SAFE) return Number(value);
  if (mode === 'number-or-bigint') return value;
  throw new TencentError('InvalidParameterValue', { name: path, rule: 'integerRange' });
}

/**
 * A String leaf. A NUL character is refused: no field of any product holds one, and PostgreSQL
 * rejects it in text, so letting it through would answer differently on the two databases.
 */
export function toStringValue(raw: unknown, path: string): string {
  if (typeof raw !== 'string') throw typeError(path);
  if (raw.includes('\0')) throw new TencentError('InvalidParameterValue', { name: path, rule: 'nul' });
  return raw;
}

/** An Integer (or BigInt) leaf. */
export function toInteger(raw: unknown, mode: IntegerMode, path: string): number | bigint {
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw)) throw typeError(path);
    return mode === 'bigint' ? BigInt(raw) : raw;
  }
  if (raw instanceof LosslessNumber) {
    if (!isIntegerText(raw.value)) throw typeError(path);
    return integerFromText(raw.value, mode, path);
  }
  if (typeof raw === 'string' && INTEGER_TEXT.test(raw)) return integerFromText(raw, mode, path);
  throw typeError(path);
}

/** A Number (float) leaf; precision beyond a double is accepted, infinity is not. */
export function toNumber(raw: unknown, path: string): number {
  let value: number;
  if (typeof raw === 'number') value = raw;
  else if (raw instanceof LosslessNumber) value = Number(raw.value);
  else if (typeof raw === 'string' && NUMBER_TEXT.test(raw)) value = Number(raw);
  else throw typeError(path);
  if (!Number.isFinite(value)) throw new TencentError('InvalidParameterValue', { name: path });
  return value;
}

/** A Boolean leaf. */
export function toBoolean(raw: unknown, path: string): boolean {
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true' || raw === 'True') return true;
  if (raw === 'false' || raw === 'False') return false;
  throw typeError(path);
}
