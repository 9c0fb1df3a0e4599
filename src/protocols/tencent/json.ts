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
 *
 * Most bodies hold no number a double could round and repeat no key: those take JSON.parse (a
 * fraction of the lossless parser's cost), which then gives exactly what the lossless parse
 * would. Anything else (a long or exponent number, a repeated key, deep nesting, bad JSON) is
 * decided by the lossless parse.
 */
export function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return {};
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return undefined;
  }
  const value = parsePlain(text) ?? parseLossless(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof LosslessNumber)
    ? (value as Record<string, unknown>)
    : undefined;
}

const NOT_PARSED = undefined;

function parseLossless(text: string): unknown {
  try {
    return parse(text, null, parseNumber);
  } catch {
    // SyntaxError, or RangeError from absurd nesting.
    return NOT_PARSED;
  }
}

/** Nesting the fast path takes; deeper texts go to the lossless parser, whose recursion decides. */
const MAX_PLAIN_DEPTH = 64;
/** A JSON number of at most 15 significant digits and no exponent is exactly the double it parses to. */
const MAX_PLAIN_DIGITS = 15;

/** JSON.parse's result when it is provably the lossless parse's, else undefined. */
function parsePlain(text: string): unknown {
  const members = plainMembers(text);
  if (members === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  // JSON.parse keeps the last of repeated keys: fewer members than colons means a repeat.
  return countMembers(value) === members ? value : undefined;
}

/**
 * Scans the text outside its strings: the number of object members (colons), or undefined when a
 * number may not fit a double exactly or the nesting is deep.
 */
function plainMembers(text: string): number | undefined {
  let members = 0;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x3a /* : */) {
      members++;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > MAX_PLAIN_DEPTH) return undefined;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let digits = 0;
      for (; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d >= 0x30 && d <= 0x39) digits++;
        else if (d === 0x65 /* e */ || d === 0x45 /* E */) return undefined;
        else if (d !== 0x2e /* . */ && d !== 0x2d && d !== 0x2b /* + */) break;
      }
      if (digits > MAX_PLAIN_DIGITS) return undefined;
      i--;
    }
  }
  return members;
}

function countMembers(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) count += countMembers(item);
    return count;
  }
  for (const key in value) count += 1 + countMembers((value as Record<string, unknown>)[key]);
  return count;
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
