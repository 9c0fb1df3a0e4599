import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { RawRequest } from '../../../src/protocols/raw-request.ts';
import { parseTencentRequest, TENCENT_LIMITS } from '../../../src/protocols/tencent/request.ts';
import { Tc3KeyCache } from '../../../src/protocols/tencent/tc3.ts';
import { NOW, SECRET_ID, SECRET_KEY, editForm, tc3, v1 } from './fixtures.ts';

function fails(raw: RawRequest, code: string, params?: Record<string, unknown>, now = NOW) {
  let thrown: unknown;
  try {
    parseTencentRequest(raw, now);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected ${code}`).toMatchObject(params === undefined ? { code } : { code, params });
}

const withHeaders = (raw: RawRequest, headers: Record<string, string | undefined>): RawRequest => ({
  ...raw,
  headers: { ...raw.headers, ...headers },
});

describe('parseTencentRequest: transport rules (Request Structure doc)', () => {
  it('a method other than GET and POST is UnsupportedProtocol', () => {
    fails({ ...tc3(), method: 'PUT' }, 'UnsupportedProtocol');
    fails({ ...v1(), method: 'DELETE' }, 'UnsupportedProtocol');
  });

  it('a GET request target over 32 KiB is RequestSizeLimitExceeded; exactly 32 KiB is accepted', () => {
    const get = v1({ method: 'GET' });
    const pad = (length: number) => ({ ...get, url: `${get.url}&Pad=${'x'.repeat(length - get.url.length - 5)}` });
    expect(pad(TENCENT_LIMITS.getTargetBytes).url).toHaveLength(32 * 1024);
    expect(() => parseTencentRequest(pad(TENCENT_LIMITS.getTargetBytes), NOW)).not.toThrow();
    fails(pad(TENCENT_LIMITS.getTargetBytes + 1), 'RequestSizeLimitExceeded');
  });

  it('a TC3 POST body over 10 MiB is RequestSizeLimitExceeded; exactly 10 MiB is accepted', () => {
    const body = (size: number) => Buffer.from(`{"A":"${'x'.repeat(size - 8)}"}`);
    expect(body(TENCENT_LIMITS.tc3PostBodyBytes)).toHaveLength(10 * 1024 * 1024);
    expect(() => parseTencentRequest({ ...tc3(), body: body(TENCENT_LIMITS.tc3PostBodyBytes) }, NOW)).not.toThrow();
    fails({ ...tc3(), body: body(TENCENT_LIMITS.tc3PostBodyBytes + 1) }, 'RequestSizeLimitExceeded');
  });

  it('a v1 POST body over 1 MiB is RequestSizeLimitExceeded; exactly 1 MiB is accepted', () => {
    const raw = v1();
    const pad = (size: number) => ({ ...raw, body: Buffer.from(`${raw.body}&Pad=${'x'.repeat(size - raw.body.length - 5)}`) });
    expect(pad(TENCENT_LIMITS.v1PostBodyBytes).body).toHaveLength(1024 * 1024);
    expect(() => parseTencentRequest(pad(TENCENT_LIMITS.v1PostBodyBytes), NOW)).not.toThrow();
    fails(pad(TENCENT_LIMITS.v1PostBodyBytes + 1), 'RequestSizeLimitExceeded');
  });

  it('POST application/json without Authorization is AuthFailure.InvalidAuthorization (JSON is TC3 only)', () => {
    fails(withHeaders(tc3(), { authorization: undefined }), 'AuthFailure.InvalidAuthorization');
    fails(withHeaders(tc3(), { authorization: '  ' }), 'AuthFailure.InvalidAuthorization');
  });

  it('a form POST with an Authorization header is AuthFailure.InvalidAuthorization (forms are v1 only)', () => {
    fails(withHeaders(v1(), { authorization: tc3().headers.authorization }), 'AuthFailure.InvalidAuthorization');
  });

  it('any other POST Content-Type (multipart, text/plain, none) is UnsupportedProtocol naming it', () => {
    fails(withHeaders(tc3(), { 'content-type': 'multipart/form-data; boundary=x' }), 'UnsupportedProtocol', { contentType: 'multipart/form-data' });
    fails(withHeaders(v1(), { 'content-type': 'text/plain' }), 'UnsupportedProtocol', { contentType: 'text/plain' });
    fails(withHeaders(v1(), { 'content-type': undefined }), 'UnsupportedProtocol', { contentType: '' });
  });

  it('Content-Type parameters and case do not change the kind (`Application/JSON; charset=utf-8` is TC3)', () => {
    const raw = tc3({ contentType: 'Application/JSON; charset=utf-8' });
    expect(parseTencentRequest(raw, NOW).verify(SECRET_KEY)).toBe(true);
  });
});

describe('parseTencentRequest: TC3-HMAC-SHA256 (Common Params, Signature v3 docs)', () => {
  const auth = tc3().headers.authorization!;
  it.each([
    ['another scheme', auth.replace('TC3-HMAC-SHA256', 'TC3-HMAC-SHA1')],
    ['no Signature', auth.replace(/, Signature=.*$/, '')],
    ['a short signature', auth.slice(0, -1)],
    ['a non-hex signature', `${auth.slice(0, -1)}g`],
    ['a malformed scope date', auth.replace(/\/\d{4}-\d{2}-\d{2}\//, '/20261122/')],
    ['a scope not ending in tc3_request', auth.replace('tc3_request', 'tc2_request')],
    ['an empty SecretId', auth.replace(/Credential=[^/]+/, 'Credential=')],
    ['SignedHeaders without host', auth.replace('content-type;host', 'content-type')],
    ['SignedHeaders without content-type', auth.replace('content-type;host', 'host;x-tc-action')],
    ['garbage', 'Bearer abc'],
  ])('an Authorization header with %s is AuthFailure.InvalidAuthorization', (_what, value) => {
    fails(withHeaders(tc3(), { authorization: value }), 'AuthFailure.InvalidAuthorization');
  });

  it('tolerates missing spaces after the commas and surrounding whitespace', () => {
    const raw = withHeaders(tc3(), { authorization: ` ${auth.replace(/, /g, ',')} ` });
    expect(parseTencentRequest(raw, NOW).verify(SECRET_KEY)).toBe(true);
  });

  it.each([
    ['x-tc-action', 'Action'],
    ['x-tc-version', 'Version'],
    ['x-tc-timestamp', 'Timestamp'],
  ])('a missing or empty %s header is MissingParameter `%s`', (header, name) => {
    fails(withHeaders(tc3(), { [header]: undefined }), 'MissingParameter', { name });
    fails(withHeaders(tc3(), { [header]: '' }), 'MissingParameter', { name });
  });

  it('a non-decimal X-TC-Timestamp is InvalidParameter `Timestamp`', () => {
    fails(withHeaders(tc3(), { 'x-tc-timestamp': '1795360279.5' }), 'InvalidParameter', { name: 'Timestamp' });
    fails(withHeaders(tc3(), { 'x-tc-timestamp': '-1' }), 'InvalidParameter', { name: 'Timestamp' });
  });

  it('more than 300 s of skew either way is AuthFailure.SignatureExpire, checked before the signature; 300 s is accepted', () => {
    fails(tc3(), 'AuthFailure.SignatureExpire', undefined, NOW + 301);
    fails(tc3(), 'AuthFailure.SignatureExpire', undefined, NOW - 301);
    fails(withHeaders(tc3(), { authorization: auth.replace(/Signature=\w+/, `Signature=${'0'.repeat(64)}`) }), 'AuthFailure.SignatureExpire', undefined, NOW + 301);
    expect(parseTencentRequest(tc3(), NOW + 300).verify(SECRET_KEY)).toBe(true);
    expect(parseTencentRequest(tc3(), NOW - 300).verify(SECRET_KEY)).toBe(true);
  });

  it.each([
    ['malformed JSON', '{"Vendor":'],
    ['a top-level array', '[{"Vendor":"v"}]'],
    ['a top-level string', '"Vendor"'],
    ['a repeated key', '{"SN":"a","SN":"b"}'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])],
    ['absurd nesting', `{"A":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
  ])('a TC3 POST body with %s is InvalidParameter (rule json)', (_what, body) => {
    fails({ ...tc3(), body: Buffer.isBuffer(body) ? body : Buffer.from(body) }, 'InvalidParameter', { rule: 'json' });
  });

  it('an empty TC3 POST body stands for {}', () => {
    const request = parseTencentRequest(tc3({ body: '' }), NOW);
    expect(request.params).toEqual({ format: 'json', value: {} });
    expect(request.verify(SECRET_KEY)).toBe(true);
  });

  it('JSON integers beyond 2^53 stay exact (lossless), safe numbers are plain numbers', () => {
    const request = parseTencentRequest(tc3({ body: '{"Big":12345678901234567890,"Small":42,"F":0.5}' }), NOW);
    const value = (request.params as { value: Record<string, unknown> }).value;
    expect(String(value.Big)).toBe('12345678901234567890');
    expect(value.Small).toBe(42);
    expect(value.F).toBe(0.5);
  });

  it('region, token and language come from X-TC-Region, X-TC-Token, X-TC-Language (default en-US)', () => {
    const request = parseTencentRequest(tc3({ region: 'ap-guangzhou', token: 'tok', language: 'zh-CN' }), NOW);
    expect(request).toMatchObject({ region: 'ap-guangzhou', token: 'tok', language: 'zh-CN' });
    const plain = parseTencentRequest(withHeaders(tc3(), { 'x-tc-language': 'fr-FR', 'x-tc-region': '' }), NOW);
    expect(plain).toMatchObject({ region: undefined, token: undefined, language: 'en-US' });
  });
});

describe('TC3 verification rules (Signature v3 doc)', () => {
  it('host is tried as received, then without port: Node signs the hostname, Go/Python the endpoint with port', () => {
    expect(parseTencentRequest(tc3(), NOW).verify(SECRET_KEY)).toBe(true);
    expect(parseTencentRequest(tc3({ signHostWithPort: true }), NOW).verify(SECRET_KEY)).toBe(true);
  });

  it('a Host header differing from the signed host fails', () => {
    expect(parseTencentRequest(withHeaders(tc3(), { host: '127.0.0.2:41071' }), NOW).verify(SECRET_KEY)).toBe(false);
  });

  it('Python with an http:// endpoint signs `Host: http://127.0.0.1:PORT` literally, which verifies', () => {
    const raw = tc3({ host: 'http://127.0.0.1:41071', signHostWithPort: true, service: 'mna' });
    expect(parseTencentRequest(raw, NOW).verify(SECRET_KEY)).toBe(true);
  });

  it('the service label is taken from the credential scope as sent (`127`, `localhost:41071`, `mna`)', () => {
    for (const host of ['127.0.0.1:41071', 'localhost:41071', 'mna.fleetgate.test:41071']) {
      expect(parseTencentRequest(tc3({ host }), NOW).verify(SECRET_KEY), host).toBe(true);
    }
  });

  it('a scope date other than the UTC date of X-TC-Timestamp fails verification', () => {
    const raw = tc3();
    const auth = raw.headers.authorization!.replace('/2026-11-22/', '/2026-11-23/');
    expect(parseTencentRequest(withHeaders(raw, { authorization: auth }), NOW).verify(SECRET_KEY)).toBe(false);
  });

  it('X-TC-Content-SHA256: UNSIGNED-PAYLOAD signs SHA256("UNSIGNED-PAYLOAD") instead of the body', () => {
    const raw = tc3({ unsignedPayload: true });
    expect(parseTencentRequest(raw, NOW).verify(SECRET_KEY)).toBe(true);
    expect(parseTencentRequest(withHeaders(raw, { 'x-tc-content-sha256': undefined }), NOW).verify(SECRET_KEY)).toBe(false);
  });

  it('the raw body bytes are hashed: Python spacing verifies, a re-serialised body would not', () => {
    const raw = tc3({ body: '{"Vendor": "kainan", "SN": "123321"}' });
    expect(parseTencentRequest(raw, NOW).verify(SECRET_KEY)).toBe(true);
    expect(parseTencentRequest({ ...raw, body: Buffer.from('{"Vendor":"kainan","SN":"123321"}') }, NOW).verify(SECRET_KEY)).toBe(false);
  });

  it('TC3 GET signs the raw query exactly as on the request line', () => {
    const raw = tc3({ method: 'GET', params: { Vendor: "it's (a) test*", SN: 'a b+c' } });
    expect(raw.url).toContain('it%27s%20(a)%20test*');
    expect(parseTencentRequest(raw, NOW).verify(SECRET_KEY)).toBe(true);
    const reencoded = { ...raw, url: raw.url.replace('%27', "'") };
    expect(parseTencentRequest(reencoded, NOW).verify(SECRET_KEY)).toBe(false);
  });

  it('a signed header absent from the request is canonicalised as empty and fails', () => {
    const raw = tc3({ headers: { 'x-tc-traceid': 'abc' }, extraSignedHeaders: ['x-tc-traceid'] });
    expect(parseTencentRequest(raw, NOW).verify(SECRET_KEY)).toBe(true);
    expect(parseTencentRequest(withHeaders(raw, { 'x-tc-traceid': undefined }), NOW).verify(SECRET_KEY)).toBe(false);
  });
});

describe('TC3 verification with a Tc3KeyCache', () => {
  const OTHER_ID = 'AKIDotherotherotherotherotherEXAMPLE';
  /** Requests that differ in everything the cache keys on or remembers: SecretId, date, service, host form. */
  const request = fc.record({
    secretId: fc.constantFrom(SECRET_ID, OTHER_ID),
    timestamp: fc.constantFrom(NOW, NOW + 86_400),
    host: fc.constantFrom('127.0.0.1:41071', 'localhost:41071', 'mna.fleetgate.test'),
    signHostWithPort: fc.boolean(),
    signedWith: fc.constantFrom(SECRET_KEY, 'AnotherSecretKeyAnotherSecretKey'),
  });

  it('accepts and refuses exactly what verification without one does, in any order and through evictions', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(request, fc.constantFrom(SECRET_KEY, 'AnotherSecretKeyAnotherSecretKey')), { maxLength: 30 }), fc.integer({ min: 1, max: 4 }), (calls, capacity) => {
        const keys = new Tc3KeyCache(capacity);
        for (const [{ signedWith, ...options }, verifiedWith] of calls) {
          const parsed = parseTencentRequest(tc3({ ...options, secretKey: signedWith }), options.timestamp);
          expect(parsed.verify(verifiedWith, keys)).toBe(parsed.verify(verifiedWith));
          expect(parsed.verify(verifiedWith)).toBe(signedWith === verifiedWith);
        }
      }),
    );
  });

  it('only a verified request leaves an entry, and only with a service label no longer than a host name', () => {
    const keys = new Tc3KeyCache();
    const forged = (service: string) => {
      const raw = tc3({ service });
      const auth = raw.headers.authorization!.replace(/Signature=[0-9a-f]{64}/, `Signature=${'0'.repeat(64)}`);
      return parseTencentRequest(withHeaders(raw, { authorization: auth }), NOW);
    };
    for (let i = 0; i < 50; i++) expect(forged(`label-${i}-${'x'.repeat(1000)}`).verify(SECRET_KEY, keys)).toBe(false);
    expect(keys.size).toBe(0);
    expect(parseTencentRequest(tc3({ service: 'x'.repeat(254) }), NOW).verify(SECRET_KEY, keys)).toBe(true);
    expect(keys.size).toBe(0);
    expect(parseTencentRequest(tc3({ service: 'x'.repeat(253) }), NOW).verify(SECRET_KEY, keys)).toBe(true);
    expect(keys.size).toBe(1);
  });

  it('holds at most its capacity of scopes', () => {
    const keys = new Tc3KeyCache(3);
    for (let i = 0; i < 10; i++) {
      expect(parseTencentRequest(tc3({ service: `svc${i}` }), NOW).verify(SECRET_KEY, keys)).toBe(true);
      expect(keys.size).toBeLessThanOrEqual(3);
    }
  });

  it('a SecretKey changed under the same SecretId is derived anew: signatures by the old key stop verifying', () => {
    const keys = new Tc3KeyCache();
    const rotated = 'RotatedSecretKeyRotatedSecretKey';
    expect(parseTencentRequest(tc3(), NOW).verify(SECRET_KEY, keys)).toBe(true);
    expect(parseTencentRequest(tc3(), NOW).verify(rotated, keys)).toBe(false);
    expect(parseTencentRequest(tc3({ secretKey: rotated }), NOW).verify(rotated, keys)).toBe(true);
  });
});

describe('parseTencentRequest: signature v1 (Common Params, Signature v1 docs)', () => {
  it.each(['Action', 'Version', 'Timestamp', 'Nonce', 'SecretId', 'Signature'])(
    'a missing or empty %s is MissingParameter naming it',
    (name) => {
      fails(editForm(v1(), (p) => p.delete(name)), 'MissingParameter', { name });
      fails(editForm(v1({ method: 'GET' }), (p) => p.set(name, '')), 'MissingParameter', { name });
    },
  );

  it('a repeated common parameter is InvalidParameter naming it', () => {
    fails(editForm(v1(), (p) => p.append('Nonce', '1')), 'InvalidParameter', { name: 'Nonce' });
  });

  it('Nonce must be an integer in 0..2^63−1, else InvalidParameter `Nonce`', () => {
    for (const bad of ['-1', '1.5', 'abc', '9223372036854775808', '99999999999999999999']) {
      fails(v1({ nonce: bad }), 'InvalidParameter', { name: 'Nonce' });
    }
    for (const good of ['0', '65535', '9223372036854775807']) {
      const request = parseTencentRequest(v1({ nonce: good }), NOW);
      expect(request.verify(SECRET_KEY)).toBe(true);
      expect(request.replayKey).toBe(`AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE:${good}:${NOW}`);
    }
  });

  it('a non-decimal Timestamp is InvalidParameter; more than 300 s of skew is AuthFailure.SignatureExpire', () => {
    fails(editForm(v1(), (p) => p.set('Timestamp', '17953602x9')), 'InvalidParameter', { name: 'Timestamp' });
    fails(v1(), 'AuthFailure.SignatureExpire', undefined, NOW + 301);
    fails(v1(), 'AuthFailure.SignatureExpire', undefined, NOW - 301);
  });

  it('HmacSHA1 and HmacSHA256, POST form and GET query, all verify; Signature is excluded from the string to sign', () => {
    for (const method of ['POST', 'GET'] as const) {
      for (const signatureMethod of ['HmacSHA1', 'HmacSHA256'] as const) {
        const request = parseTencentRequest(v1({ method, signatureMethod }), NOW);
        expect(request.kind).toBe(signatureMethod);
        expect(request.verify(SECRET_KEY)).toBe(true);
        expect(request.verify('wrong')).toBe(false);
      }
    }
  });

  it('the host is tried with its port, then without', () => {
    const raw = v1({ host: '127.0.0.1' });
    expect(parseTencentRequest(withHeaders(raw, { host: '127.0.0.1:41071' }), NOW).verify(SECRET_KEY)).toBe(true);
    expect(parseTencentRequest(withHeaders(v1(), { host: '127.0.0.1' }), NOW).verify(SECRET_KEY)).toBe(false);
  });

  it('values are signed decoded: + and %20 are both a space (Python/Go encode +)', () => {
    const raw = v1({ params: { Vendor: 'a b', SN: 'x' } });
    expect(raw.body.toString()).toContain('Vendor=a%20b');
    const plus = { ...raw, body: Buffer.from(raw.body.toString().replace('a%20b', 'a+b')) };
    expect(parseTencentRequest(plus, NOW).verify(SECRET_KEY)).toBe(true);
  });

  it('Region, Token and Language come from the form; common parameters leave the API parameters', () => {
    const request = parseTencentRequest(v1({ region: 'ap-guangzhou', token: 'tok', language: 'zh-CN' }), NOW);
    expect(request).toMatchObject({ region: 'ap-guangzhou', token: 'tok', language: 'zh-CN' });
    expect(request.params).toEqual({ format: 'flat', pairs: [['Vendor', 'kainan'], ['SN', '123321']] });
  });

  it('a SignatureMethod other than HmacSHA256 means HmacSHA1', () => {
    const raw = editForm(v1({ signatureMethod: 'HmacSHA1' }), (p) => p.set('SignatureMethod', 'hmacsha256'));
    expect(parseTencentRequest(raw, NOW).kind).toBe('HmacSHA1');
  });
});
