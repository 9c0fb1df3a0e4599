/**
 * An HTTP request exactly as it arrived, before any decoding. Signature checks of both clouds
 * work on these bytes (raw query string, raw body), never on re-serialised values.
 */
export interface RawRequest {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** Request target as on the request line: path, then `?` and the raw query string if any. */
  readonly url: string;
  /** Header values by lower-case name; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body bytes as received (empty for GET). */
  readonly body: Buffer;
}

/** Splits a request target into its path and raw (undecoded) query string. */
export function splitTarget(url: string): { readonly path: string; readonly rawQuery: string } {
  const q = url.indexOf('?');
  return q < 0 ? { path: url, rawQuery: '' } : { path: url.slice(0, q), rawQuery: url.slice(q + 1) };
}
