import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import type { TObject } from '@sinclair/typebox';
import { decodeParams as decodeMap, iotSpec, parseAlibabaRequest } from '../../../src/protocols/alibaba/index.ts';
import { signAcs3, signPopCoreGet, signPopCorePost } from '../../support/alibaba-signer.ts';
import { thrownBy } from './fixtures.ts';

// The parser hands decodeParams a Map of the wire pairs; the cases read better as objects.
const decodeParams = <S extends TObject>(schema: S, pairs: Readonly<Record<string, string>> | ReadonlyMap<string, string>) =>
  decodeMap(schema, pairs instanceof Map ? pairs : new Map(Object.entries(pairs)));

const batch = iotSpec.actions.BatchCheckImportDevice.request;
const codeOf = (fn: () => unknown) => {
  const err = thrownBy(fn);
  return [err.code, err.httpStatus, err.message];
};

describe('decodeParams rebuilds 1-based RepeatLists and structs', () => {
  it('DeviceList.N.* become an array of structs in index order, whatever the pair order', () => {
    const decoded = decodeParams(batch, {
      'DeviceList.2.DeviceName': 'dev2',
      'DeviceList.1.DeviceSecret': 's1',
      ProductKey: 'pk',
      'DeviceList.1.DeviceName': 'dev1',
      'DeviceList.2.DeviceSecret': 's2',
      'DeviceList.2.Sn': 'SN2',
    });
    expect(decoded).toEqual({
      ProductKey: 'pk',
      DeviceList: [
        { DeviceName: 'dev1', DeviceSecret: 's1' },
        { DeviceName: 'dev2', DeviceSecret: 's2', Sn: 'SN2' },
      ],
    });
  });

  it('names such as __proto__ are plain unknown parameters: ignored, prototypes untouched', () => {
    const decoded = decodeParams(batch, new Map([['__proto__', 'x'], ['constructor', 'y'], ['ProductKey', 'pk'], ['DeviceList.1.__proto__', 'z'], ['DeviceList.1.DeviceName', 'dev1'], ['DeviceList.1.DeviceSecret', 's1']]));
    expect(decoded).toEqual({ ProductKey: 'pk', DeviceList: [{ DeviceName: 'dev1', DeviceSecret: 's1' }] });
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
  });

  it('DeviceName.N becomes an array of strings (BatchCheckDeviceNames)', () => {
    const schema = iotSpec.actions.BatchCheckDeviceNames.request;
    expect(decodeParams(schema, { ProductKey: 'pk', 'DeviceName.1': 'a', 'DeviceName.2': 'b' })).toEqual({ ProductKey: 'pk', DeviceName: ['a', 'b'] });
  });

  it('ignores parameters and members the schema does not know', () => {
    expect(decodeParams(batch, { ProductKey: 'pk', Extra: 'x', 'DeviceList.1.DeviceName': 'd', 'DeviceList.1.DeviceSecret': 's', 'DeviceList.1.Color': 'red' })).toEqual({
      ProductKey: 'pk',
      DeviceList: [{ DeviceName: 'd', DeviceSecret: 's' }],
    });
  });

  it('keeps an empty string as a present value (the handler decides, e.g. iot.prod.NullProductKey)', () => {
    expect(decodeParams(iotSpec.actions.QueryProduct.request, { ProductKey: '' })).toEqual({ ProductKey: '' });
  });
});

describe('decodeParams coerces strings per schema type', () => {
  it('Integer and Long become numbers', () => {
    const schema = iotSpec.actions.QueryImportedDeviceByApplyId.request;
    expect(decodeParams(schema, { ApplyId: '9007199254740991', PageNo: '1', PageSize: '+50' })).toEqual({ ApplyId: 9007199254740991, PageNo: 1, PageSize: 50 });
  });

  it('Boolean accepts true/false in any case', () => {
    const schema = iotSpec.actions.CreateProduct.request;
    expect(decodeParams(schema, { ProductName: 'p', NodeType: '0', PublishAuto: 'TRUE', Id2: 'false' })).toMatchObject({ PublishAuto: true, Id2: false, NodeType: 0 });
  });

  it('a non-numeric Integer → Invalid<Name> (400)', () => {
    expect(codeOf(() => decodeParams(iotSpec.actions.QueryProductList.request, { CurrentPage: '1', PageSize: 'ten' }))).toEqual([
      'InvalidPageSize',
      400,
      'Specified parameter PageSize is not valid.',
    ]);
    expect(codeOf(() => decodeParams(iotSpec.actions.QueryProductList.request, { CurrentPage: '1.5', PageSize: '1' }))[0]).toBe('InvalidCurrentPage');
  });

  it('an Integer outside Java int → Invalid<Name>; a Long beyond 2^53-1 → Invalid<Name>', () => {
    expect(codeOf(() => decodeParams(iotSpec.actions.QueryProductList.request, { CurrentPage: '2147483648', PageSize: '1' }))[0]).toBe('InvalidCurrentPage');
    expect(codeOf(() => decodeParams(iotSpec.actions.QueryPageByApplyId.request, { ApplyId: '9007199254740992' }))[0]).toBe('InvalidApplyId');
  });

  it('a Boolean other than true/false → Invalid<Name>', () => {
    expect(codeOf(() => decodeParams(iotSpec.actions.CreateProduct.request, { ProductName: 'p', NodeType: '0', PublishAuto: 'yes' }))[0]).toBe('InvalidPublishAuto');
  });

  it('works with hand-written schemas: Number and literal unions', () => {
    const schema = Type.Object({ Ratio: Type.Number(), Mode: Type.Union([Type.Literal('a'), Type.Literal('b')]) });
    expect(decodeParams(schema, { Ratio: '0.5', Mode: 'a' })).toEqual({ Ratio: 0.5, Mode: 'a' });
    expect(codeOf(() => decodeParams(schema, { Ratio: '0.5', Mode: 'c' }))[0]).toBe('InvalidMode');
    expect(codeOf(() => decodeParams(schema, { Ratio: 'x', Mode: 'a' }))[0]).toBe('InvalidRatio');
  });
});

describe('decodeParams reports missing parameters the POP gateway way (Missing<Name>, errors.json)', () => {
  it('required top-level parameter absent → Missing<Name> (400)', () => {
    expect(codeOf(() => decodeParams(batch, { 'DeviceList.1.DeviceName': 'd', 'DeviceList.1.DeviceSecret': 's' }))).toEqual([
      'MissingProductKey',
      400,
      'ProductKey is mandatory for this action.',
    ]);
  });

  it('required list absent → Missing<List>', () => {
    expect(codeOf(() => decodeParams(batch, { ProductKey: 'pk' }))[0]).toBe('MissingDeviceList');
  });

  it('required member of the 3rd row absent → MissingDeviceList.3.DeviceSecret (the wire name)', () => {
    const pairs: Record<string, string> = { ProductKey: 'pk' };
    for (const n of [1, 2, 3]) pairs[`DeviceList.${n}.DeviceName`] = `dev${n}`;
    pairs['DeviceList.1.DeviceSecret'] = 's';
    pairs['DeviceList.2.DeviceSecret'] = 's';
    expect(codeOf(() => decodeParams(batch, pairs))).toEqual(['MissingDeviceList.3.DeviceSecret', 400, 'DeviceList.3.DeviceSecret is mandatory for this action.']);
  });

  it('a parameter name that cannot form Missing<Name> falls back to MissingParameter', () => {
    const schema = Type.Object({ lowerName: Type.String() });
    expect(codeOf(() => decodeParams(schema, {}))).toEqual([
      'MissingParameter',
      400,
      'The input parameter "lowerName" that is mandatory for processing this request is not supplied.',
    ]);
  });

  it('a parameter literally named Parameter still gets a well-formed MissingParameter', () => {
    const schema = Type.Object({ Parameter: Type.String() });
    expect(codeOf(() => decodeParams(schema, {}))[2]).toBe('The input parameter "Parameter" that is mandatory for processing this request is not supplied.');
  });
});

describe('decodeParams rejects malformed list shapes with Invalid<Name>', () => {
  const base = { ProductKey: 'pk', 'DeviceList.1.DeviceName': 'd', 'DeviceList.1.DeviceSecret': 's' };
  for (const [what, name, code] of [
    ['a 0-based index (Tencent style)', 'DeviceList.0.DeviceName', 'InvalidDeviceList'],
    ['a non-numeric index', 'DeviceList.x.DeviceName', 'InvalidDeviceList'],
    ['an index with a leading zero', 'DeviceList.01.DeviceName', 'InvalidDeviceList'],
    ['a ten-digit index', 'DeviceList.1000000000.DeviceName', 'InvalidDeviceList'],
    ['a list sent as a scalar', 'DeviceList', 'InvalidDeviceList'],
    ['a struct item sent as a scalar', 'DeviceList.2', 'InvalidDeviceList.2'],
    ['a scalar sent with list syntax', 'ProductKey.1', 'InvalidProductKey'],
  ] as const) {
    it(`${what} (${name}) → ${code}`, () => {
      expect(codeOf(() => decodeParams(batch, { ...base, [name]: 'v' }))[0]).toBe(code);
    });
  }

  it('indices with a gap → Invalid<List>, so every position names its wire index', () => {
    expect(codeOf(() => decodeParams(batch, { ...base, 'DeviceList.3.DeviceName': 'd', 'DeviceList.3.DeviceSecret': 's' }))[0]).toBe('InvalidDeviceList');
  });

  it('a huge sparse index cannot make a huge array', () => {
    // A decoder that allocated by index would run out of memory here instead of answering.
    expect(codeOf(() => decodeParams(batch, { ...base, 'DeviceList.999999999.DeviceName': 'd' }))[0]).toBe('InvalidDeviceList');
  });
});

describe('a 10,001-row BatchCheckImportDevice (about 1 MB) parses, verifies and decodes', () => {
  const rows = Array.from({ length: 10_001 }, (_, i) => ({ DeviceName: `device${String(i).padStart(6, '0')}`, DeviceSecret: `secret${i}`, Sn: `SN${i}` }));
  const now = Date.parse('2026-03-01T08:00:00Z');
  const call = {
    accessKeyId: 'AKID',
    accessKeySecret: 'secret',
    action: 'BatchCheckImportDevice',
    version: '2018-01-20',
    params: { ProductKey: 'pk', DeviceList: rows },
    host: '127.0.0.1:8080',
    nowMs: now,
    nonce: 'n1',
  };

  for (const [name, sign] of [
    ['pop-core GET (1 MB request line)', signPopCoreGet],
    ['pop-core POST (1 MB form body)', signPopCorePost],
    ['iot20180120 ACS3 (1 MB query)', signAcs3],
  ] as const) {
    it(name, () => {
      const raw = sign(call);
      expect(raw.url.length + raw.body.length).toBeGreaterThan(500_000);
      const request = parseAlibabaRequest(raw, now);
      expect(request.verify('secret')).toEqual({ ok: true });
      const decoded = decodeParams(batch, request.params);
      expect(decoded.DeviceList).toHaveLength(10_001);
      expect(decoded.DeviceList[10_000]).toEqual(rows[10_000]);
    });
  }
});
