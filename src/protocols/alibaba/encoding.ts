import { AlibabaError } from './errors.ts';

/** A decoded `name=value` pair, in wire order. */
export type ParamPair = readonly [name: string, value: string];

const NEEDS_EXTRA_ESCAPE = /[!'()*]/g;

function escapeExtra(c: string): string {
  return `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
}

/** By ASCII code: the character itself when unreserved (`A–Z a–z 0–9 - _ . ~`), else `escape` of its hex. */
function asciiTable(escape: (hex: string) => string): readonly string[] {
  return Array.from({ length: 128 }, (_, code) => {
    const c = String.fromCharCode(code);
    return /^[A-Za-z0-9\-_.~]$/.test(c) ? c : escape(code.toString(16).toUpperCase().padStart(2, '0'));
  });
}

const ONCE = asciiTable((hex) => `%${hex}`);
// pe(pe(c)): the escape's own '%' escaped again.
const TWICE = asciiTable((hex) => `%25${hex}`);

/** `s` encoded by table, or undefined when it holds more than ASCII. */
function encodeAscii(s: string, table: readonly string[]): string | undefined {
  // Most names and values need no escaping: they come back as they are, nothing copied.
  let out = '';
  let plainFrom = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code >= 128) return undefined;
    const encoded = table[code]!;
    if (encoded.length > 1) {
      out += s.slice(plainFrom, i) + encoded;
      plainFrom = i + 1;
    }
  }
  return plainFrom === 0 ? s : out + s.slice(plainFrom);
}

/** The whole string through the UTF-8 encoder, for text beyond ASCII. */
function encodeUtf8(s: string): string {
  return encodeURIComponent(s).replace(NEEDS_EXTRA_ESCAPE, escapeExtra);
}

/**
 * RFC 3986 percent-encoding of the UTF-8 bytes (v1 signature doc): `A–Z a–z 0–9 - _ . ~`
 * stay, everything else becomes upper-case `%XX`; space is `%20`, `*` is `%2A`.
 */
export function percentEncode(s: string): string {
  return encodeAscii(s, ONCE) ?? encodeUtf8(s);
}

/** percentEncode applied twice (the v1 StringToSign encodes the already encoded query): each escape's `%` becomes `%25`. */
export function percentEncodeTwice(s: string): string {
  return encodeAscii(s, TWICE) ?? encodeUtf8(s).replaceAll('%', '%25');
}

/** Percent-decodes one name or value of a query or form ('+' is a space); InvalidParameter.Format if malformed. */
export function decodeComponent(s: string): string {
  if (!s.includes('%') && !s.includes('+')) return s;
  try {
    // application/x-www-form-urlencoded: '+' is a space (pop-core and openapi-client never send
    // a raw '+', they encode it as %2B).
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new AlibabaError('InvalidParameter.Format');
  }
}

/**
 * Splits and percent-decodes a query string or form body. The wire encoding is not RFC 3986
 * (openapi-client uses Node's querystring), so signatures are always rebuilt
 * from these decoded pairs. Throws InvalidParameter.Format on malformed escapes or UTF-8.
 */
export function parseParamPairs(raw: string): ParamPair[] {
  const pairs: ParamPair[] = [];
  // Walked with indexOf rather than split('&'): no array of the raw parts.
  for (let start = 0; start < raw.length; ) {
    let end = raw.indexOf('&', start);
    if (end < 0) end = raw.length;
    if (end > start) {
      // '=' looked for within the pair only: a search of the rest would make a body of bare names quadratic.
      const part = raw.slice(start, end);
      const eq = part.indexOf('=');
      pairs.push(eq < 0 ? [decodeComponent(part), ''] : [decodeComponent(part.slice(0, eq)), decodeComponent(part.slice(eq + 1))]);
    }
    start = end + 1;
  }
  return pairs;
}

/** The order both SDKs sort pairs in: JS default sort of the decoded names. */
export const byName = (a: ParamPair, b: ParamPair): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * Orders pairs by name the way both SDKs do: the pairs themselves when they are in order already,
 * as SDKs send them (a check costs less than the sort's comparator calls), else a sorted copy.
 */
export function sortPairs(pairs: readonly ParamPair[]): readonly ParamPair[] {
  return inOrder(pairs) ? pairs : [...pairs].sort(byName);
}

function inOrder(pairs: readonly ParamPair[]): boolean {
  for (let i = 1; i < pairs.length; i++) if (pairs[i - 1]![0] > pairs[i]![0]) return false;
  return true;
}
