import { AlibabaError } from './errors.ts';

/** A decoded `name=value` pair, in wire order. */
export type ParamPair = readonly [name: string, value: string];

const UNRESERVED_ONLY = /^[A-Za-z0-9\-_.~]*$/;
const NEEDS_EXTRA_ESCAPE = /[!'()*]/g;

function escapeExtra(c: string): string {
  return `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
}

/**
 * RFC 3986 percent-encoding of the UTF-8 bytes (v1 signature doc): `A–Z a–z 0–9 - _ . ~`
 * stay, everything else becomes upper-case `%XX`; space is `%20`, `*` is `%2A`.
 */
export function percentEncode(s: string): string {
  // Most names and values need no escaping; skipping the encoder for them halves canonicalisation time.
  if (UNRESERVED_ONLY.test(s)) return s;
  return encodeURIComponent(s).replace(NEEDS_EXTRA_ESCAPE, escapeExtra);
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
  if (raw === '') return pairs;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    pairs.push(eq < 0 ? [decodeComponent(part), ''] : [decodeComponent(part.slice(0, eq)), decodeComponent(part.slice(eq + 1))]);
  }
  return pairs;
}

/** Orders pairs by name the way both SDKs do (JS default sort of the decoded names). */
export function sortPairs(pairs: readonly ParamPair[]): ParamPair[] {
  return [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
