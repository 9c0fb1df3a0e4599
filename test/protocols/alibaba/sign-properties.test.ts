import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawRequest } from '../../../src/protocols/raw-request.ts';
import { AlibabaError, parseAcs3Authorization, parseAlibabaRequest } from '../../../src/protocols/alibaba/index.ts';
import { signAcs3, signOpenApiV2, signPopCoreGet, signPopCorePost, type Acs3ClientCall, type ClientCall } from '../../support/alibaba-signer.ts';

const COMMON = new Set(['Action', 'Version', 'Format', 'AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp', 'SecurityToken', 'RegionId']);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SECRET_ALPHABET = fc.string({ minLength: 1, maxLength: 40 });

const apiParams = fc.dictionary(
  fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,12}$/).filter((k) => !COMMON.has(k)),
  fc.string({ unit: 'binary', maxLength: 24 }),
  { maxKeys: 6 },
);
const deviceList = fc.array(fc.record({ DeviceName: fc.string({ unit: 'binary', maxLength: 12 }), DeviceSecret: fc.string({ maxLength: 12 }) }), {
  maxLength: 4,
});
const call = fc.record({
  accessKeyId: fc.stringMatching(/^[A-Za-z0-9]{1,24}$/),
  accessKeySecret: SECRET_ALPHABET,
  action: fc.stringMatching(/^[A-Z][A-Za-z]{0,20}$/),
  version: fc.constant('2018-01-20'),
  params: fc.tuple(apiParams, deviceList).map(([p, list]) => (list.length === 0 ? p : { ...p, DeviceList: list })),
  host: fc.constantFrom('127.0.0.1:41071', 'iot.cn-shanghai.aliyuncs.com', 'localhost:8080'),
  nowMs: fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2035-01-01T00:00:00Z') }).map((ms) => ms - (ms % 1000)),
  nonce: fc.stringMatching(/^[0-9a-f]{32}$/),
});
const headerValue = fc.stringMatching(/^[\x21-\x7e](?:[\x20-\x7e]{0,20}[\x21-\x7e])?$/);
const acs3Call = fc.record({
  base: call,
  headers: fc.dictionary(fc.stringMatching(/^x-acs-[a-z]{1,10}$/), headerValue, { maxKeys: 3 }),
  // Names the query generator cannot produce: a name sent twice is rejected by design.
  form: fc.option(fc.dictionary(fc.stringMatching(/^F_[A-Za-z0-9]{0,8}$/), fc.string({ unit: 'binary', maxLength: 24 }), { maxKeys: 4 }), { nil: undefined }),
  method: fc.constantFrom('GET' as const, 'POST' as const),
}).map(({ base, headers, form, method }): Acs3ClientCall => {
  const known = new Set(['x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256', 'x-acs-credentials-provider']);
  const extra = Object.fromEntries(Object.entries(headers).filter(([k]) => !known.has(k)));
  return { ...base, headers: extra, method: form === undefined ? method : 'POST', ...(form === undefined ? {} : { form }) };
});

/** One alphanumeric byte of `s` changed, away from %XX escapes (whose hex case carries no meaning). */
function mutate(s: string, at: number, pick: number): string | undefined {
  const positions = [...s].map((_, i) => i).filter((i) => s[i - 1] !== '%' && s[i - 2] !== '%');
  if (positions.length === 0) return undefined;
  const i = positions[at % positions.length] as number;
  let c = ALNUM[pick % ALNUM.length] as string;
  if (c === s[i]) c = ALNUM[(pick + 1) % ALNUM.length] as string;
  return s.slice(0, i) + c + s.slice(i + 1);
}

function verifies(raw: RawRequest, now: number, secret: string): boolean {
  try {
    return parseAlibabaRequest(raw, now).verify(secret).ok;
  } catch (error) {
    if (error instanceof AlibabaError) return false;
    throw error;
  }
}

const v1Signers = [
  ['pop-core GET', signPopCoreGet, 'query'],
  ['pop-core POST', signPopCorePost, 'body'],
  ['iot20180120 v2 (POST, query)', signOpenApiV2, 'query'],
] as const;

describe('property: whatever sign.ts produces verifies, and any one-byte change to a signed part fails', () => {
  for (const [name, sign, where] of v1Signers) {
    it(`v1 ${name}: verifies`, () => {
      fc.assert(
        fc.property(call, (c: ClientCall) => {
          expect(parseAlibabaRequest(sign(c), c.nowMs).verify(c.accessKeySecret)).toEqual({ ok: true });
        }),
        { numRuns: 150 },
      );
    });

    it(`v1 ${name}: a changed ${where} byte, the method or the secret fails`, () => {
      fc.assert(
        fc.property(call, fc.nat(), fc.nat(), (c: ClientCall, at, pick) => {
          const raw = sign(c);
          if (where === 'query') {
            const query = mutate(raw.url.slice(2), at, pick) as string;
            expect(verifies({ ...raw, url: `/?${query}` }, c.nowMs, c.accessKeySecret)).toBe(false);
          } else {
            const body = mutate(raw.body.toString(), at, pick) as string;
            expect(verifies({ ...raw, body: Buffer.from(body) }, c.nowMs, c.accessKeySecret)).toBe(false);
          }
          expect(verifies({ ...raw, method: raw.method === 'GET' ? 'POST' : 'GET' }, c.nowMs, c.accessKeySecret)).toBe(false);
          expect(verifies(raw, c.nowMs, `${c.accessKeySecret}x`)).toBe(false);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('ACS3 with random parameters, extra x-acs-* headers and form bodies: verifies', () => {
    fc.assert(
      fc.property(acs3Call, (c) => {
        expect(parseAlibabaRequest(signAcs3(c), c.nowMs).verify(c.accessKeySecret)).toEqual({ ok: true });
      }),
      { numRuns: 200 },
    );
  });

  it('ACS3: a changed byte in the query, the body, any signed header, the method or the signature fails', () => {
    fc.assert(
      fc.property(acs3Call, fc.nat(), fc.nat(), fc.nat(), (c, target, at, pick) => {
        const raw = signAcs3(c);
        const signed = parseAcs3Authorization(raw.headers.authorization as string).signedHeaders;
        const targets: RawRequest[] = [];
        const query = raw.url.startsWith('/?') ? mutate(raw.url.slice(2), at, pick) : undefined;
        if (query !== undefined) targets.push({ ...raw, url: `/?${query}` });
        if (raw.body.length > 0) targets.push({ ...raw, body: Buffer.from(mutate(raw.body.toString(), at, pick) as string) });
        const header = signed[target % signed.length] as string;
        targets.push({ ...raw, headers: { ...raw.headers, [header]: mutate(raw.headers[header] as string, at, pick) } });
        targets.push({ ...raw, method: raw.method === 'GET' ? 'POST' : 'GET' });
        const auth = raw.headers.authorization as string;
        const sigAt = auth.lastIndexOf('=') + 1;
        targets.push({ ...raw, headers: { ...raw.headers, authorization: auth.slice(0, sigAt) + mutate(auth.slice(sigAt), at, pick) } });
        for (const t of targets) expect(verifies(t, c.nowMs, c.accessKeySecret)).toBe(false);
        // Unsigned headers are free to change.
        expect(verifies({ ...raw, headers: { ...raw.headers, 'user-agent': 'changed' } }, c.nowMs, c.accessKeySecret)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
