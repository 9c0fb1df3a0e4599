import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { LosslessNumber, isSafeNumber, parse } from 'lossless-json';
import { parseJsonObject } from '../../../src/protocols/tencent/json.ts';

/** What the body parser must give for every body: lossless-json with exact 64-bit numbers, refusing repeated keys. */
function lossless(text: string): unknown {
  if (text === '') return {}; // an empty body stands for {}
  let value: unknown;
  try {
    value = parse(text, null, (n) => (isSafeNumber(n) ? Number(n) : new LosslessNumber(n)));
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof LosslessNumber) ? value : undefined;
}

// Number texts around every edge of the fast path: long integers, 15/16/17 digits, exponents, signs, zeros.
const numberText = fc.oneof(
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.tuple(fc.stringMatching(/^-?(0|[1-9]\d{0,20})$/), fc.stringMatching(/^\d{0,20}$/)).map(([i, f]) => (f === '' ? i : `${i}.${f}`)),
  fc.tuple(fc.stringMatching(/^-?(0|[1-9]\d{0,17})(\.\d{1,17})?$/), fc.constantFrom('e', 'E'), fc.stringMatching(/^[+-]?\d{1,3}$/)).map(([m, e, x]) => `${m}${e}${x}`),
  fc.constantFrom('-0', '0.0', '-0.0', '9007199254740991', '9007199254740992', '9007199254740993', '123456789012345', '1234567890123456', '0.000000000000001', '1e400', '1e-400'),
);
const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'a', 'Limit', ':', '"', '\\', '{'));
const { value: jsonText } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numberText,
    fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
    fc.constantFrom('true', 'false', 'null', '"1e5"', '"12345678901234567890"', '"a:b"', '"\\":"'),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    // Objects may repeat keys (the lossless parse refuses them).
    fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((members) => `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(', ')}}`),
  ),
}));
const nested = (depth: number, inner: string) => '{"a":['.repeat(depth) + inner + ']}'.repeat(depth);

describe('parseJsonObject: the JSON.parse fast path gives exactly the lossless result', () => {
  it('property: for generated JSON texts (large integers, floats, exponents, repeated and odd keys) and broken ones', () => {
    fc.assert(
      fc.property(jsonText, fc.nat(6), fc.boolean(), (text, cut, broken) => {
        const body = broken ? text.slice(0, Math.max(0, text.length - cut)) : `{"Body":${text}}`;
        expect(parseJsonObject(Buffer.from(body))).toEqual(lossless(body));
      }),
      { numRuns: 3000 },
    );
  });

  it('property: at any nesting depth, up to where the lossless parser gives up', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), numberText, (depth, number) => {
        const body = nested(depth, number);
        expect(parseJsonObject(Buffer.from(body))).toEqual(lossless(body));
      }),
      { numRuns: 300 },
    );
    const absurd = nested(100_000, '1');
    expect(parseJsonObject(Buffer.from(absurd))).toEqual(lossless(absurd));
  });

  it('takes the fast path for a body of short numbers and distinct keys, and only then', () => {
    const jsonParse = vi.spyOn(JSON, 'parse');
    try {
      expect(parseJsonObject(Buffer.from('{"Vendor":"kainan","SN":"123321","Limit":20,"F":-0.5,"L":[{"a":1},{"b":null}]}'))).toEqual({
        Vendor: 'kainan',
        SN: '123321',
        Limit: 20,
        F: -0.5,
        L: [{ a: 1 }, { b: null }],
      });
      expect(jsonParse).toHaveBeenCalledTimes(1);
      parseJsonObject(Buffer.from('{"Id":1234567890123456}'));
      parseJsonObject(Buffer.from('{"F":1e3}'));
      expect(jsonParse).toHaveBeenCalledTimes(1);
    } finally {
      jsonParse.mockRestore();
    }
  });

  it('keeps integers beyond 2^53 exact, refuses repeated keys and non-objects', () => {
    expect(parseJsonObject(Buffer.from('{"Id":9007199254740993,"F":1.5,"S":"x"}'))).toEqual({ Id: new LosslessNumber('9007199254740993'), F: 1.5, S: 'x' });
    expect(parseJsonObject(Buffer.from('{"A":1,"A":2}'))).toBeUndefined();
    expect(parseJsonObject(Buffer.from('{"A":{"B":1,"B":2}}'))).toBeUndefined();
    expect(parseJsonObject(Buffer.from('[1]'))).toBeUndefined();
    expect(parseJsonObject(Buffer.from([0xff, 0x7b, 0x7d]))).toBeUndefined();
    expect(parseJsonObject(Buffer.alloc(0))).toEqual({});
  });
});
