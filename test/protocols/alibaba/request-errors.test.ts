import { describe, expect, it } from 'vitest';
import type { RawRequest } from '../../../src/protocols/raw-request.ts';
import {
  acs3CanonicalQuery,
  acs3CanonicalRequest,
  acs3Signature,
  acs3StringToSign,
  ALIBABA_LIMITS,
  parseAcs3Authorization,
  parseAlibabaRequest,
  parseParamPairs,
  percentEncode,
  responseFormatOf,
} from '../../../src/protocols/alibaba/index.ts';
import { signAcs3, signOpenApiV2, signPopCoreGet, signPopCorePost, type ClientCall } from '../../support/alibaba-signer.ts';
import { thrownBy } from './fixtures.ts';

const NOW = Date.parse('2026-03-01T08:00:00Z');
const SECRET = 'test-secret';
const CALL: ClientCall = {
  accessKeyId: 'AKID',
  accessKeySecret: SECRET,
  action: 'QueryProduct',
  version: '2018-01-20',
  params: { ProductKey: 'a1BwAGV1234' },
  host: 'iot.example:8443',
  nowMs: NOW,
  nonce: '0123456789abcdef0123456789abcdef',
};
const MINUTE = 60_000;

/** Re-serialises a GET query after `edit`; the signature is left as it was. */
function editQuery(raw: RawRequest, edit: (pairs: [string, string][]) => [string, string][]): RawRequest {
  const pairs = edit(parseParamPairs(raw.url.slice(2)) as [string, string][]);
  return { ...raw, url: `/?${pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&')}` };
}
const setParam = (raw: RawRequest, name: string, value: string) =>
  editQuery(raw, (pairs) => [...pairs.filter(([k]) => k !== name), [name, value]]);
const dropParam = (raw: RawRequest, name: string) => editQuery(raw, (pairs) => pairs.filter(([k]) => k !== name));
const codeOf = (raw: RawRequest, now = NOW) => {
  const err = thrownBy(() => parseAlibabaRequest(raw, now));
  return [err.code, err.httpStatus];
};

describe('RPC style is GET or POST only', () => {
  it('PUT → UnsupportedHTTPMethod (400)', () => {
    expect(codeOf({ ...signPopCoreGet(CALL), method: 'PUT' })).toEqual(['UnsupportedHTTPMethod', 400]);
  });
});

describe('v1: missing common parameters → MissingParameter naming the parameter (RegionId not required)', () => {
  for (const name of ['Action', 'Version', 'AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp']) {
    it(`without ${name}`, () => {
      const err = thrownBy(() => parseAlibabaRequest(dropParam(signPopCoreGet(CALL), name), NOW));
      expect([err.code, err.httpStatus, err.message]).toEqual([
        'MissingParameter',
        400,
        `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
      ]);
    });
  }

  it('an empty value counts as missing', () => {
    expect(codeOf(setParam(signPopCoreGet(CALL), 'AccessKeyId', ''))).toEqual(['MissingParameter', 400]);
  });

  it('RegionId is optional; when sent it is exposed as regionId and is not an API parameter', () => {
    const plain = parseAlibabaRequest(signPopCoreGet(CALL), NOW);
    expect(plain.regionId).toBeUndefined();
    const withRegion = parseAlibabaRequest(signPopCoreGet({ ...CALL, params: { ...CALL.params, RegionId: 'cn-shanghai' } }), NOW);
    expect(withRegion.verify(SECRET)).toEqual({ ok: true });
    expect(withRegion.regionId).toBe('cn-shanghai');
    expect(Object.fromEntries(withRegion.params)).toEqual({ ProductKey: 'a1BwAGV1234' });
  });

  it('SecurityToken and the other common parameters never reach params', () => {
    const request = parseAlibabaRequest(signPopCoreGet({ ...CALL, params: { ...CALL.params, SecurityToken: 'sts' } }), NOW);
    expect([...request.params.keys()]).toEqual(['ProductKey']);
  });
});

describe('v1 Timestamp: ISO 8601 UTC within 15 minutes of server time', () => {
  for (const bad of ['2026-03-01 08:00:00', '2026-02-30T08:00:00Z', '2026-03-01T08:00:00+08:00', '1772352000', '2026-03-01T08:00Z']) {
    it(`${bad} → InvalidTimeStamp.Format (400)`, () => {
      expect(codeOf(setParam(signPopCoreGet(CALL), 'Timestamp', bad))).toEqual(['InvalidTimeStamp.Format', 400]);
    });
  }

  it('accepts milliseconds, which some non-Node SDKs send', () => {
    expect(parseAlibabaRequest(setParam(signPopCoreGet(CALL), 'Timestamp', '2026-03-01T08:00:00.123Z'), NOW).action).toBe('QueryProduct');
  });

  it('15 minutes either way still verifies; one second more → InvalidTimeStamp.Expired (400)', () => {
    const raw = signPopCoreGet(CALL);
    expect(parseAlibabaRequest(raw, NOW + 15 * MINUTE).verify(SECRET)).toEqual({ ok: true });
    expect(parseAlibabaRequest(raw, NOW - 15 * MINUTE).verify(SECRET)).toEqual({ ok: true });
    expect(codeOf(raw, NOW + 15 * MINUTE + 1000)).toEqual(['InvalidTimeStamp.Expired', 400]);
    expect(codeOf(raw, NOW - 15 * MINUTE - 1000)).toEqual(['InvalidTimeStamp.Expired', 400]);
  });
});

describe('v1 signature parameters', () => {
  it('SignatureMethod other than HMAC-SHA1 → InvalidSignatureMethod (400)', () => {
    expect(codeOf(setParam(signPopCoreGet(CALL), 'SignatureMethod', 'HMAC-SHA256'))).toEqual(['InvalidSignatureMethod', 400]);
  });

  it('SignatureVersion other than 1.0 → IncompleteSignature (400)', () => {
    expect(codeOf(setParam(signPopCoreGet(CALL), 'SignatureVersion', '2.0'))).toEqual(['IncompleteSignature', 400]);
  });

  it('a nonce longer than 128 characters → InvalidSignatureNonce (400); 128 is fine', () => {
    expect(codeOf(signPopCoreGet({ ...CALL, nonce: 'n'.repeat(129) }))).toEqual(['InvalidSignatureNonce', 400]);
    expect(parseAlibabaRequest(signPopCoreGet({ ...CALL, nonce: 'n'.repeat(128) }), NOW).verify(SECRET)).toEqual({ ok: true });
  });

  it('a tampered parameter fails verification with the server string to sign', () => {
    const result = parseAlibabaRequest(setParam(signPopCoreGet(CALL), 'ProductKey', 'other'), NOW).verify(SECRET);
    expect(result).toEqual({ ok: false, stringToSign: expect.stringContaining('ProductKey%3Dother') });
  });
});

describe('v1 Format: case-insensitive, XML when absent (common parameters doc)', () => {
  it('pop-core JSON and openapi-client json → JSON', () => {
    expect(parseAlibabaRequest(signPopCoreGet(CALL), NOW).format).toBe('JSON');
    expect(parseAlibabaRequest(signOpenApiV2(CALL), NOW).format).toBe('JSON');
  });

  it('absent → XML; xml → XML', () => {
    expect(parseAlibabaRequest(dropParam(signPopCoreGet(CALL), 'Format'), NOW).format).toBe('XML');
    expect(parseAlibabaRequest(setParam(signPopCoreGet(CALL), 'Format', 'xml'), NOW).format).toBe('XML');
  });

  it('anything else → InvalidParameter naming Format', () => {
    const err = thrownBy(() => parseAlibabaRequest(setParam(signPopCoreGet(CALL), 'Format', 'yaml'), NOW));
    expect([err.code, err.httpStatus, err.message]).toEqual(['InvalidParameter', 400, 'The specified parameter "Format" is not valid.']);
  });

  it('responseFormatOf answers errors in the asked format even when parsing fails', () => {
    expect(responseFormatOf(dropParam(signPopCoreGet(CALL), 'Signature'))).toBe('JSON');
    expect(responseFormatOf(dropParam(signPopCoreGet(CALL), 'Format'))).toBe('XML');
    expect(responseFormatOf(setParam(signPopCoreGet(CALL), 'Format', 'XML'))).toBe('XML');
    expect(responseFormatOf(signPopCorePost(CALL))).toBe('JSON');
    expect(responseFormatOf(signAcs3({ ...CALL, params: { ...CALL.params, Format: 'XML' } }))).toBe('JSON');
  });
});

describe('v1 parameter sources and encoding', () => {
  it('a name sent twice (query twice, or query and form body) → InvalidParameter', () => {
    const twice = editQuery(signPopCoreGet(CALL), (pairs) => [...pairs, ['ProductKey', 'x']]);
    expect(thrownBy(() => parseAlibabaRequest(twice, NOW)).message).toBe('The specified parameter "ProductKey" is not valid.');
    const post = signPopCorePost(CALL);
    expect(codeOf({ ...post, url: '/?ProductKey=x' })).toEqual(['InvalidParameter', 400]);
  });

  it('query and form body are merged and both signed', () => {
    const post = signPopCorePost(CALL);
    const pairs = parseParamPairs(post.body.toString());
    const inQuery = pairs.filter(([k]) => k === 'ProductKey' || k === 'Action');
    const inBody = pairs.filter(([k]) => k !== 'ProductKey' && k !== 'Action');
    const enc = (ps: readonly (readonly [string, string])[]) => ps.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
    const split = { ...post, url: `/?${enc(inQuery)}`, body: Buffer.from(enc(inBody)) };
    const request = parseAlibabaRequest(split, NOW);
    expect(request.verify(SECRET)).toEqual({ ok: true });
    expect(Object.fromEntries(request.params)).toEqual({ ProductKey: 'a1BwAGV1234' });
  });

  it('a body that is not a form is not read for parameters', () => {
    const post = signPopCorePost(CALL);
    expect(codeOf({ ...post, headers: { ...post.headers, 'content-type': 'application/json' } })).toEqual(['MissingParameter', 400]);
  });

  it('malformed percent-encoding → InvalidParameter.Format (400)', () => {
    const raw = signPopCoreGet(CALL);
    expect(codeOf({ ...raw, url: `${raw.url}&Bad=%E4%B8` })).toEqual(['InvalidParameter.Format', 400]);
  });
});

describe('ACS3 Authorization header (V3 signature doc)', () => {
  const acs3 = () => signAcs3(CALL);
  const withAuth = (authorization: string): RawRequest => {
    const raw = acs3();
    return { ...raw, headers: { ...raw.headers, authorization } };
  };

  for (const [what, header] of [
    ['no fields', 'ACS3-HMAC-SHA256'],
    ['no Signature', 'ACS3-HMAC-SHA256 Credential=AKID,SignedHeaders=host;x-acs-date'],
    ['no SignedHeaders', 'ACS3-HMAC-SHA256 Credential=AKID,Signature=ab'],
    ['no Credential', 'ACS3-HMAC-SHA256 SignedHeaders=host,Signature=ab'],
    ['a field without =', 'ACS3-HMAC-SHA256 Credential=AKID,SignedHeaders,Signature=ab'],
    ['a repeated field', 'ACS3-HMAC-SHA256 Credential=AKID,Credential=B,SignedHeaders=host,Signature=ab'],
    ['an empty signed header name', 'ACS3-HMAC-SHA256 Credential=AKID,SignedHeaders=host;;x-acs-date,Signature=ab'],
    ['an unknown ACS3 algorithm', 'ACS3-HMAC-SHA512 Credential=AKID,SignedHeaders=host,Signature=ab'],
  ] as const) {
    it(`${what} → IncompleteSignature (400)`, () => {
      expect(codeOf(withAuth(header))).toEqual(['IncompleteSignature', 400]);
    });
  }

  for (const algorithm of ['ACS3-HMAC-SM3', 'ACS3-RSA-SHA256']) {
    it(`${algorithm} (which openapi-util can emit) → InvalidSignatureMethod (400)`, () => {
      expect(codeOf(withAuth(`${algorithm} Credential=AKID,SignedHeaders=host,Signature=ab`))).toEqual(['InvalidSignatureMethod', 400]);
    });
  }

  it('tolerates a space after the commas', () => {
    const raw = acs3();
    const spaced = (raw.headers.authorization as string).replace(/,/g, ', ');
    expect(parseAlibabaRequest(withAuth(spaced), NOW).verify(SECRET)).toEqual({ ok: true });
  });

  for (const name of ['host', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256', 'x-acs-action', 'x-acs-version']) {
    it(`${name} left out of SignedHeaders → IncompleteSignature`, () => {
      const auth = parseAcs3Authorization(acs3().headers.authorization as string);
      const kept = auth.signedHeaders.filter((h) => h !== name);
      expect(kept).toHaveLength(auth.signedHeaders.length - 1);
      const header = `ACS3-HMAC-SHA256 Credential=AKID,SignedHeaders=${kept.join(';')},Signature=${auth.signature}`;
      expect(codeOf(withAuth(header))).toEqual(['IncompleteSignature', 400]);
    });
  }

  it('content-type must be signed when parameters come from a form body', () => {
    const raw = signAcs3({ ...CALL, form: { Nickname: 'n' } });
    const auth = (raw.headers.authorization as string).replace('content-type;', '');
    expect(codeOf({ ...raw, headers: { ...raw.headers, authorization: auth } })).toEqual(['IncompleteSignature', 400]);
  });
});

describe('ACS3 headers', () => {
  for (const name of ['x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256', 'x-acs-action', 'x-acs-version']) {
    it(`without ${name} → MissingParameter naming it`, () => {
      const raw = signAcs3(CALL);
      const { [name]: _dropped, ...headers } = raw.headers;
      const err = thrownBy(() => parseAlibabaRequest({ ...raw, headers }, NOW));
      expect([err.code, err.httpStatus, err.message]).toEqual([
        'MissingParameter',
        400,
        `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
      ]);
    });
  }

  it('x-acs-date malformed → InvalidTimeStamp.Format; beyond 15 minutes → InvalidTimeStamp.Expired', () => {
    const raw = signAcs3(CALL);
    expect(codeOf({ ...raw, headers: { ...raw.headers, 'x-acs-date': 'Sun, 01 Mar 2026 08:00:00 GMT' } })).toEqual(['InvalidTimeStamp.Format', 400]);
    expect(codeOf(raw, NOW + 16 * MINUTE)).toEqual(['InvalidTimeStamp.Expired', 400]);
    expect(parseAlibabaRequest(raw, NOW - 15 * MINUTE).verify(SECRET)).toEqual({ ok: true });
  });

  it('Action and Version come from the query when a client puts them there, and are not API parameters', () => {
    const raw = signAcs3({ ...CALL, action: 'Ignored', params: { ...CALL.params, Action: 'QueryProduct', Version: '2018-01-20' } });
    const request = parseAlibabaRequest(raw, NOW);
    expect([request.action, request.version, request.verify(SECRET).ok]).toEqual(['QueryProduct', '2018-01-20', true]);
    expect(Object.fromEntries(request.params)).toEqual({ ProductKey: 'a1BwAGV1234' });
  });

  it('ACS3 always answers JSON, whatever Format the query carries', () => {
    expect(parseAlibabaRequest(signAcs3({ ...CALL, params: { ...CALL.params, Format: 'XML' } }), NOW).format).toBe('JSON');
  });

  it('a body that does not match x-acs-content-sha256 fails verification', () => {
    const raw = signAcs3({ ...CALL, form: { Nickname: 'n' } });
    expect(parseAlibabaRequest(raw, NOW).verify(SECRET)).toEqual({ ok: true });
    expect(parseAlibabaRequest({ ...raw, body: Buffer.from('Nickname=m') }, NOW).verify(SECRET).ok).toBe(false);
  });

  it('form-body parameters are merged into params', () => {
    const request = parseAlibabaRequest(signAcs3({ ...CALL, form: { Nickname: 'n' } }), NOW);
    expect(Object.fromEntries(request.params)).toEqual({ ProductKey: 'a1BwAGV1234', Nickname: 'n' });
  });

  it('a name outside the unreserved set verifies in the SDK form (raw name) and the doc form (encoded name)', () => {
    const sdk = signAcs3({ ...CALL, params: { 'Tag:Key': 'v' } });
    expect(parseAlibabaRequest(sdk, NOW).verify(SECRET)).toEqual({ ok: true });
    const auth = parseAcs3Authorization(sdk.headers.authorization as string);
    const docSignature = acs3Signature(
      acs3StringToSign(
        acs3CanonicalRequest({
          method: 'POST',
          path: '/',
          canonicalQuery: acs3CanonicalQuery([['Tag:Key', 'v']], true),
          headers: sdk.headers,
          signedHeaders: auth.signedHeaders,
          hashedPayload: sdk.headers['x-acs-content-sha256'] as string,
        }),
      ),
      SECRET,
    );
    expect(acs3CanonicalQuery([['Tag:Key', 'v']], true)).toBe('Tag%3AKey=v');
    const doc = (sdk.headers.authorization as string).replace(auth.signature, docSignature);
    expect(parseAlibabaRequest({ ...sdk, headers: { ...sdk.headers, authorization: doc } }, NOW).verify(SECRET)).toEqual({ ok: true });
    expect(parseAlibabaRequest({ ...sdk, headers: { ...sdk.headers, authorization: doc } }, NOW).verify('wrong').ok).toBe(false);
  });
});

describe('cheap checks come before a large request is decoded (its body is parsed only once they pass)', () => {
  // A malformed escape is InvalidParameter.Format once the pairs are decoded: any other answer to
  // a request carrying one shows that the refusal came before decoding.
  const padding = (bytes: number) => `&${'DeviceList.1.DeviceName=x&'.repeat(Math.ceil(bytes / 26))}Broken=%zz`;
  const bigForm = (call: ClientCall, bytes: number): RawRequest => {
    const post = signPopCorePost(call);
    return { ...post, body: Buffer.concat([post.body, Buffer.from(padding(bytes))]) };
  };

  it('a body over 4 MiB → InvalidParameter `body`, whatever it holds; 4 MiB is read', () => {
    const over = bigForm(CALL, ALIBABA_LIMITS.bodyBytes);
    expect(over.body.length).toBeGreaterThan(ALIBABA_LIMITS.bodyBytes);
    const err = thrownBy(() => parseAlibabaRequest(over, NOW));
    expect([err.code, err.httpStatus, err.message]).toEqual(['InvalidParameter', 400, 'The specified parameter "body" is not valid.']);
    const within = bigForm(CALL, ALIBABA_LIMITS.bodyBytes - 4096);
    expect(within.body.length).toBeLessThanOrEqual(ALIBABA_LIMITS.bodyBytes);
    expect(codeOf(within)).toEqual(['InvalidParameter.Format', 400]);
  });

  it('v1 form: missing or malformed common parameters are answered without decoding the body', () => {
    expect(codeOf(bigForm(CALL, 1024 * 1024), NOW + 16 * MINUTE)).toEqual(['InvalidTimeStamp.Expired', 400]);
    const noSignature = signPopCorePost(CALL);
    const stripped = { ...noSignature, body: Buffer.from(noSignature.body.toString().replace(/&?Signature=[^&]*/, '') + padding(1024 * 1024)) };
    expect(codeOf(stripped)).toEqual(['MissingParameter', 400]);
    expect(codeOf(bigForm({ ...CALL, accessKeyId: 'x'.repeat(129) }, 1024 * 1024))).toEqual(['InvalidAccessKeyId.NotFound', 404]);
  });

  it('v1 GET: the same for a large query', () => {
    const get = signPopCoreGet(CALL);
    expect(codeOf({ ...get, url: get.url + padding(512 * 1024) }, NOW - 16 * MINUTE)).toEqual(['InvalidTimeStamp.Expired', 400]);
  });

  it('a name spelled with an escape is still found: the scan answers only when it is conclusive', () => {
    const post = signPopCorePost(CALL);
    const pad = Array.from({ length: 10_000 }, (_, i) => `Pad${i}=x`).join('&');
    const escaped = { ...post, body: Buffer.from(`${post.body.toString().replace('Timestamp=', 'Time%73tamp=')}&${pad}`) };
    expect(escaped.body.length).toBeGreaterThan(64 * 1024);
    expect(parseAlibabaRequest(escaped, NOW).accessKeyId).toBe(CALL.accessKeyId);
    expect(codeOf(escaped, NOW + 16 * MINUTE)).toEqual(['InvalidTimeStamp.Expired', 400]);
  });

  it('ACS3: the Authorization, date and nonce headers are checked before a form body is decoded', () => {
    const acs3 = signAcs3({ ...CALL, nowMs: NOW - 16 * MINUTE });
    const form = { ...acs3, headers: { ...acs3.headers, 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(padding(1024 * 1024).slice(1)) };
    expect(codeOf(form)).toEqual(['InvalidTimeStamp.Expired', 400]);
  });
});
