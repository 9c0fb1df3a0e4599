import { stringify as querystringify } from 'node:querystring';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AbstractClient } from 'tencentcloud-sdk-nodejs/tencentcloud/common/abstract_client.js';
import type { RawRequest } from '../../../src/protocols/raw-request.ts';
import { stringifyJson, parseJsonObject } from '../../../src/protocols/tencent/json.ts';
import { decodeParams } from '../../../src/protocols/tencent/params.ts';
import { parseTencentRequest } from '../../../src/protocols/tencent/request.ts';
import { flattenParams, signTc3Request, signV1Request } from '../../support/tencent-signer.ts';
import { NOW, SECRET_ID, SECRET_KEY } from './fixtures.ts';
import { objectSchema, objectValue, rootShape } from './param-shapes.ts';

// The SDK's own flattening (AbstractClient#mergeData, used for v1 and TC3 GET), called as is.
const mergeData = (AbstractClient.prototype as unknown as { mergeData: (data: unknown) => Record<string, unknown> }).mergeData;
const sdkFlatten = (data: unknown) => mergeData.call({ mergeData }, data);

const paramCase = rootShape.chain((props) => fc.tuple(fc.constant(objectSchema(props)), objectValue(props)));

describe('property: Node SDK flattening round-trips through decodeParams', () => {
  it('flattening any nested parameter object as the Node SDK does and decoding it returns the original', () => {
    fc.assert(
      fc.property(paramCase, ([schema, value]) => {
        const wire = querystringify(sdkFlatten(value) as Record<string, string>);
        const decoded = decodeParams(schema, { format: 'flat', pairs: [...new URLSearchParams(wire)] });
        expect(decoded).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });

  it('the test signer flattens parameters as the SDK mergeData does', () => {
    fc.assert(
      fc.property(paramCase, ([, value]) => {
        expect(flattenParams(value)).toEqual(sdkFlatten(value));
      }),
    );
  });

  it('the same object sent as a TC3 JSON body decodes to the original (64-bit exact)', () => {
    fc.assert(
      fc.property(paramCase, ([schema, value]) => {
        const source = parseJsonObject(Buffer.from(stringifyJson(value)))!;
        expect(decodeParams(schema, { format: 'json', value: source })).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });
});

type Variant = 'tc3-post' | 'tc3-get' | 'v1-sha1-post' | 'v1-sha1-get' | 'v1-sha256-post' | 'v1-sha256-get';

const headerValue = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/);
const requestCase = fc.record({
  variant: fc.constantFrom<Variant>('tc3-post', 'tc3-get', 'v1-sha1-post', 'v1-sha1-get', 'v1-sha256-post', 'v1-sha256-get'),
  params: paramCase.map(([, value]) => value),
  host: fc.constantFrom('127.0.0.1:41071', 'localhost:8080', 'mna.tencentcloudapi.com', 'iotcloud.fleetgate.test:443'),
  signHostWithPort: fc.boolean(),
  region: fc.option(fc.constantFrom('ap-guangzhou', 'ap-beijing'), { nil: undefined }),
  token: fc.option(fc.stringMatching(/^[A-Za-z0-9]{1,12}$/), { nil: undefined }),
  language: fc.option(fc.constantFrom('en-US' as const, 'zh-CN' as const), { nil: undefined }),
  nonce: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
  skew: fc.integer({ min: -300, max: 300 }),
  extra: fc.dictionary(fc.constantFrom('x-tc-action', 'x-tc-traceid', 'x-custom'), headerValue, { maxKeys: 2 }),
  action: fc.constantFrom('ActivateHardware', 'GetHardwareInfo', 'CreateDevice'),
});
type RequestCase = typeof requestCase extends fc.Arbitrary<infer T> ? T : never;

function sign(c: RequestCase): RawRequest {
  const common = {
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    action: c.action,
    version: '2021-01-19',
    region: c.region,
    token: c.token,
    language: c.language,
    timestamp: NOW + c.skew,
    host: c.host,
    params: c.params,
  };
  const method = c.variant.endsWith('get') ? 'GET' : 'POST';
  if (c.variant.startsWith('tc3')) {
    const headers = { ...c.extra };
    return signTc3Request({ ...common, method, headers, extraSignedHeaders: Object.keys(headers), signHostWithPort: c.signHostWithPort });
  }
  return signV1Request({ ...common, method, nonce: c.nonce, signatureMethod: c.variant.includes('sha256') ? 'HmacSHA256' : 'HmacSHA1' });
}

/** verify() under the key, or false when the request no longer parses. */
function verifies(raw: RawRequest): boolean {
  try {
    return parseTencentRequest(raw, NOW).verify(SECRET_KEY);
  } catch {
    return false;
  }
}

const ASCII = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i));

function flipText(text: string, position: number, pick: number, caseless: boolean): string {
  const at = position % text.length;
  const old = text[at]!;
  const choices = ASCII.filter((ch) => (caseless ? ch.toLowerCase() !== old.toLowerCase() : ch !== old));
  return text.slice(0, at) + choices[pick % choices.length]! + text.slice(at + 1);
}

describe('property: signatures of sign.ts requests', () => {
  it('any request signed by sign.ts (TC3 POST/GET, v1 SHA1/SHA256 POST/GET) verifies, and not with another key', () => {
    fc.assert(
      fc.property(requestCase, (c) => {
        const request = parseTencentRequest(sign(c), NOW);
        expect(request.verify(SECRET_KEY)).toBe(true);
        expect(request.verify(`${SECRET_KEY}!`)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('TC3: flipping one byte of the body, the query, a signed header value or the timestamp breaks verification (case of header values and an unsigned port excepted: the doc lower-cases values, Node signs no port)', () => {
    fc.assert(
      fc.property(requestCase.filter((c) => c.variant.startsWith('tc3')), fc.nat(), fc.nat(), fc.nat(), (c, part, position, pick) => {
        const raw = sign(c);
        const signedHeaders = ['content-type', 'host', ...Object.keys(c.extra)];
        const targets = raw.method === 'POST' ? ['body', 'timestamp', ...signedHeaders] : ['query', 'timestamp', ...signedHeaders];
        const target = targets[part % targets.length]!;
        let flipped: RawRequest;
        if (target === 'body') {
          if (raw.body.length === 0) return;
          const body = Buffer.from(raw.body);
          body[position % body.length] = (body[position % body.length]! + 1 + (pick % 255)) % 256;
          flipped = { ...raw, body };
        } else if (target === 'query') {
          const query = raw.url.slice(2);
          if (query.length === 0) return;
          flipped = { ...raw, url: `/?${flipText(query, position, pick, false)}` };
        } else {
          const name = target === 'timestamp' ? 'x-tc-timestamp' : target;
          let value = raw.headers[name]!;
          // Node-style signatures cover the hostname only; flip within it (or its colon).
          const span = name === 'host' && !c.signHostWithPort && value.includes(':') ? value.lastIndexOf(':') + 1 : value.length;
          const head = flipText(value.slice(0, span), position, pick, name !== 'x-tc-timestamp');
          value = head + value.slice(span);
          flipped = { ...raw, headers: { ...raw.headers, [name]: value } };
        }
        expect(verifies(flipped)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('v1: flipping one byte of the form body or query breaks verification unless the decoded parameters are unchanged (v1 signs decoded values, so %2f and %2F are the same request)', () => {
    fc.assert(
      fc.property(requestCase.filter((c) => c.variant.startsWith('v1')), fc.nat(), fc.nat(), (c, position, pick) => {
        const raw = sign(c);
        const wire = raw.method === 'POST' ? raw.body.toString() : raw.url.slice(2);
        const flippedWire = flipText(wire, position, pick, false);
        const flipped = raw.method === 'POST' ? { ...raw, body: Buffer.from(flippedWire) } : { ...raw, url: `/?${flippedWire}` };
        const same = JSON.stringify([...new URLSearchParams(wire)]) === JSON.stringify([...new URLSearchParams(flippedWire)]);
        expect(verifies(flipped)).toBe(same);
      }),
      { numRuns: 500 },
    );
  });

  it('v1: flipping one byte of the Host header breaks verification', () => {
    fc.assert(
      fc.property(requestCase.filter((c) => c.variant.startsWith('v1')), fc.nat(), fc.nat(), (c, position, pick) => {
        const raw = sign(c);
        const flipped = { ...raw, headers: { ...raw.headers, host: flipText(raw.headers.host!, position, pick, false) } };
        expect(verifies(flipped)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
