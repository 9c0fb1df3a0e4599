import { LosslessNumber, isSafeNumber, parse, stringify } from 'lossless-json';

const utf8 = new TextDecoder('utf-8', { fatal: true });

// Numbers a double holds exactly become plain numbers; the rest stay LosslessNumber (their
// source text) so decodeParams can turn them into exact bigints or reject them per schema.
function parseNumber(text: string): number | LosslessNumber {
  return isSafeNumber(text) ? Number(text) : new LosslessNumber(text);
}

/**
 * Parses a TC3 JSON body into its top-level object, keeping every 64-bit integer exact.
 * Undefined when the bytes are not UTF-8, not JSON, repeat a key (ambiguous, so refused), or
 * are not an object. An empty body stands for `{}`.
 */
export function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = parse(utf8.decode(body), null, parseNumber);
  } catch {
    // SyntaxError, TypeError from the decoder, or RangeError from absurd nesting.
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof LosslessNumber)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** JSON text of `value`, with bigint (and LosslessNumber) written as exact JSON numbers. */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    // JSON.stringify refuses BigInt; lossless-json writes it as an exact JSON number.
    if (!(error instanceof TypeError)) throw error;
    const text = stringify(value);
    if (text === undefined) throw error;
    return text;
  }
}
