import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseParamPairs, percentEncode, v1CanonicalizedQuery, v1StringToSign } from '../../../src/protocols/alibaba/index.ts';
import { percentEncodeTwice } from '../../../src/protocols/alibaba/encoding.ts';
import { readReference, thrownBy } from './fixtures.ts';

interface Vectors {
  percent_encode: { cases: { in: string; out: string }[] };
}
const vectors = readReference<Vectors>('test-vectors.json');

// Reference implementation straight from the rule, byte by byte, sharing no code with percentEncode.
const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;
function referenceEncode(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

describe('percentEncode is RFC 3986 (v1 signature doc)', () => {
  for (const c of vectors.percent_encode.cases) {
    it(`test-vectors.json: ${JSON.stringify(c.in)} → ${c.out}`, () => {
      expect(percentEncode(c.in)).toBe(c.out);
    });
  }

  it('property: any Unicode string round-trips and matches the documented unreserved set byte for byte', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const encoded = percentEncode(s);
        expect(encoded).toMatch(/^(?:[A-Za-z0-9\-_.~]|%[0-9A-F]{2})*$/);
        expect(encoded).toBe(referenceEncode(s));
        expect(decodeURIComponent(encoded)).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the v1 StringToSign is built without the canonical string, to the same bytes', () => {
  it('property: percentEncodeTwice(s) is percentEncode(percentEncode(s))', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(percentEncodeTwice(s)).toBe(percentEncode(percentEncode(s)));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: v1StringToSign is METHOD&%2F&pe(CanonicalizedQueryString) (v1 signature doc)', () => {
    const name = fc.oneof(fc.constantFrom('Signature', 'Action', 'DeviceList.1.DeviceName', 'A', 'A.1', 'a'), fc.string({ unit: 'binary', maxLength: 8 }));
    const pairs = fc.array(fc.tuple(name, fc.string({ unit: 'binary', maxLength: 16 })), { maxLength: 12 });
    fc.assert(
      fc.property(fc.constantFrom('GET', 'POST'), pairs, (method, list) => {
        expect(v1StringToSign(method, list)).toBe(`${method}&${percentEncode('/')}&${percentEncode(v1CanonicalizedQuery(list))}`);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseParamPairs decodes query strings and form bodies', () => {
  it('decodes Node querystring output (raw *!\'()~, %20) back to the original values', () => {
    expect(parseParamPairs("Nickname=a%20b*c~d!e'f(g)h%2Bi&Empty=&Flag")).toEqual([
      ['Nickname', "a b*c~d!e'f(g)h+i"],
      ['Empty', ''],
      ['Flag', ''],
    ]);
  });

  it("treats '+' as a space (application/x-www-form-urlencoded) and skips empty segments", () => {
    expect(parseParamPairs('a=x+y&&b=%E4%B8%AD')).toEqual([
      ['a', 'x y'],
      ['b', '中'],
    ]);
  });

  it('rejects malformed escapes and invalid UTF-8 with InvalidParameter.Format', () => {
    for (const raw of ['a=%zz', 'a=%E4%B8', 'a%=1']) {
      const err = thrownBy(() => parseParamPairs(raw));
      expect([err.code, err.httpStatus], raw).toEqual(['InvalidParameter.Format', 400]);
    }
  });
});
