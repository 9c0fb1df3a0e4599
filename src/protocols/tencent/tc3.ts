import { createHmac } from 'node:crypto';
import { TencentError } from './errors.ts';
import { safeEqual, sha256Hex } from '../digest.ts';

/** The parts of a `TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header. */
export interface Tc3Authorization {
  readonly secretId: string;
  /** Credential-scope date, `YYYY-MM-DD`. */
  readonly date: string;
  /** Service label exactly as sent: `mna`, but `127` or `localhost:PORT` from the Node SDK. */
  readonly service: string;
  /** The SignedHeaders list as sent (it is part of the canonical request verbatim). */
  readonly signedHeaders: string;
  /** Lower-case hex signature. */
  readonly signature: string;
}

// The Authorization format of the Signature v3 doc, with optional whitespace around the commas.
const AUTHORIZATION =
  /^TC3-HMAC-SHA256\s+Credential=([^/\s,]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s,]+)\/tc3_request\s*,\s*SignedHeaders=([A-Za-z0-9;_-]+)\s*,\s*Signature=([0-9a-fA-F]{64})\s*$/;

/**
 * Parses an Authorization header of the TC3 scheme; anything else is
 * AuthFailure.InvalidAuthorization. The doc requires `content-type` and `host` among the signed
 * headers ("at least two headers of host and content-type"), so a list without them is too.
 */
export function parseTc3Authorization(value: string): Tc3Authorization {
  const m = AUTHORIZATION.exec(value.trim());
  if (m === null) throw new TencentError('AuthFailure.InvalidAuthorization');
  const [, secretId, date, service, signedHeaders, signature] = m as unknown as readonly string[];
  const names = signedHeaders!.toLowerCase().split(';');
  if (!names.includes('content-type') || !names.includes('host')) {
    throw new TencentError('AuthFailure.InvalidAuthorization');
  }
  return { secretId: secretId!, date: date!, service: service!, signedHeaders: signedHeaders!, signature: signature!.toLowerCase() };
}

/** UTC `YYYY-MM-DD` of a Unix time in seconds (the credential-scope date, Signature v3 doc). */
export function utcDate(timestampSeconds: number): string {
  // Requests of one moment share their timestamp: formatting a Date costs more than the HMAC saved by the key cache.
  if (timestampSeconds !== lastDate.seconds) lastDate = { seconds: timestampSeconds, date: new Date(timestampSeconds * 1000).toISOString().slice(0, 10) };
  return lastDate.date;
}

let lastDate = { seconds: Number.NaN, date: '' };

/** SHA256("UNSIGNED-PAYLOAD"), the payload hash when X-TC-Content-SHA256 opts out (Go and Python SDKs). */
export const UNSIGNED_PAYLOAD_HASH = sha256Hex('UNSIGNED-PAYLOAD');

/** Everything of the request that the TC3 canonical request covers. */
export interface Tc3SignedParts {
  readonly method: string;
  readonly path: string;
  /** Raw query string as on the request line ("" for POST). */
  readonly rawQuery: string;
  /** `name:value\n` lines, in the SignedHeaders order. */
  readonly canonicalHeaders: string;
  readonly signedHeaders: string;
  readonly payloadHash: string;
}

/** CanonicalRequest of the Signature v3 doc. */
export function tc3CanonicalRequest(parts: Tc3SignedParts): string {
  return `${parts.method}\n${parts.path}\n${parts.rawQuery}\n${parts.canonicalHeaders}\n${parts.signedHeaders}\n${parts.payloadHash}`;
}

/** SecretSigning of the Signature v3 doc's key derivation (TC3 + SecretKey → date → service → tc3_request). */
function tc3SigningKey(secretKey: string, date: string, service: string): Buffer {
  const secretDate = createHmac('sha256', `TC3${secretKey}`).update(date).digest();
  const secretService = createHmac('sha256', secretDate).update(service).digest();
  return createHmac('sha256', secretService).update('tc3_request').digest();
}

function signWithKey(signingKey: Buffer, date: string, service: string, timestamp: string, canonicalRequest: string): string {
  const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/${service}/tc3_request\n${sha256Hex(canonicalRequest)}`;
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex');
}

/** Signature = hex(HMAC(SecretSigning, StringToSign)) (Signature v3 doc). */
export function tc3Signature(secretKey: string, date: string, service: string, timestamp: string, canonicalRequest: string): string {
  return signWithKey(tc3SigningKey(secretKey, date, service), date, service, timestamp, canonicalRequest);
}

/** `host` without its `:port` (IPv6 literals keep their brackets). */
export function stripPort(host: string): string {
  return host.replace(/:\d*$/, '');
}

/** What verifyTc3 needs from the request besides the parsed Authorization. */
export interface Tc3Request {
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
  /** X-TC-Timestamp exactly as sent (it is signed as text). */
  readonly timestamp: string;
}

/**
 * Derived TC3 keys (SecretSigning) by SecretId, scope date and service, and which form of `host`
 * the client signed: a verifier that keeps one skips three of the five HMACs of a request and, for
 * clients that sign the host without its port, a second attempt. Only a request that verified
 * leaves an entry, and only with a service label no longer than a host name, so neither a forger
 * nor a tenant signing huge labels can fill memory. Bounded in entries: emptied when full.
 */
export class Tc3KeyCache {
  readonly #entries = new Map<string, Tc3CachedKey & { readonly secretKey: string }>();

  constructor(private readonly capacity = 10_000) {}

  /** How many scopes it holds. */
  get size(): number {
    return this.#entries.size;
  }

  /** What a verified request with this scope and SecretKey left, if anything. */
  lookup(auth: Tc3Authorization, secretKey: string): Tc3CachedKey | undefined {
    const entry = this.#entries.get(scopeOf(auth));
    return entry?.secretKey === secretKey ? entry : undefined;
  }

  /** Keeps the key a request just verified with, and the host form it matched. */
  remember(auth: Tc3Authorization, secretKey: string, key: Tc3CachedKey): void {
    if (auth.service.length > MAX_CACHED_SERVICE_LENGTH) return;
    const scope = scopeOf(auth);
    const entry = this.#entries.get(scope);
    if (entry?.secretKey === secretKey && entry.portless === key.portless) return;
    if (!entry && this.#entries.size >= this.capacity) this.#entries.clear();
    this.#entries.set(scope, { secretKey, signingKey: key.signingKey, portless: key.portless });
  }
}

/** A derived key and whether its client signed `host` without the port. */
export interface Tc3CachedKey {
  readonly signingKey: Buffer;
  readonly portless: boolean;
}

/** The longest DNS name: the SDKs that put the host in the scope put nothing longer there. */
const MAX_CACHED_SERVICE_LENGTH = 253;

const scopeOf = (auth: Tc3Authorization) => `${auth.secretId}\n${auth.date}\n${auth.service}`;

/**
 * Server side of the Signature v3 doc: canonical headers from the SignedHeaders list with raw
 * values trimmed and lower-cased; `host` as received and without its port (the Node SDK signs the
 * hostname, Go and Python the endpoint with port), the form the key's client used last tried
 * first; canonical query = raw query; payload hash over the raw body, or SHA256("UNSIGNED-PAYLOAD")
 * when X-TC-Content-SHA256 says so; the service label taken from the scope as sent; scope date =
 * UTC date of the timestamp.
 */
export function verifyTc3(request: Tc3Request, auth: Tc3Authorization, secretKey: string, keys?: Tc3KeyCache): boolean {
  if (auth.date !== utcDate(Number(request.timestamp))) return false;
  const unsigned = request.headers['x-tc-content-sha256']?.trim() === 'UNSIGNED-PAYLOAD';
  const payloadHash = unsigned ? UNSIGNED_PAYLOAD_HASH : sha256Hex(request.body);
  const receivedHost = request.headers.host ?? '';
  const portless = stripPort(receivedHost);
  const cached = keys?.lookup(auth, secretKey);
  const signingKey = cached?.signingKey ?? tc3SigningKey(secretKey, auth.date, auth.service);
  const hosts = receivedHost === portless ? [receivedHost] : cached?.portless ? [portless, receivedHost] : [receivedHost, portless];
  const matched = hosts.find((host) => {
    const canonicalHeaders = auth.signedHeaders
      .split(';')
      .map((name) => {
        const lower = name.toLowerCase();
        const value = lower === 'host' ? host : (request.headers[lower] ?? '');
        return `${lower}:${value.trim().toLowerCase()}\n`;
      })
      .join('');
    const canonical = tc3CanonicalRequest({
      method: request.method,
      path: request.path,
      rawQuery: request.rawQuery,
      canonicalHeaders,
      signedHeaders: auth.signedHeaders,
      payloadHash,
    });
    return safeEqual(signWithKey(signingKey, auth.date, auth.service, request.timestamp, canonical), auth.signature);
  });
  if (matched === undefined) return false;
  keys?.remember(auth, secretKey, { signingKey, portless: receivedHost !== portless && matched === portless });
  return true;
}
