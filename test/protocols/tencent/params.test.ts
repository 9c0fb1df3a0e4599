import { describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import type { TObject } from '@sinclair/typebox';
import { parseJsonObject } from '../../../src/protocols/tencent/json.ts';
import { decodeParams } from '../../../src/protocols/tencent/params.ts';
import type { ParamSource } from '../../../src/protocols/tencent/request.ts';
import { iotcloudSpec } from '../../../src/protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { mnaSpec } from '../../../src/protocols/tencent/specs/mna-2021-01-19.ts';

const form = (query: string): ParamSource => ({ format: 'flat', pairs: [...new URLSearchParams(query)] });
const json = (text: string): ParamSource => ({ format: 'json', value: parseJsonObject(Buffer.from(text))! });

function fails(schema: TObject, source: ParamSource, code: string, params: Record<string, unknown>) {
  let thrown: unknown;
  try {
    decodeParams(schema, source);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected ${code}`).toMatchObject({ code, params });
}

const activate = mnaSpec.actions.ActivateHardware.request;
const hw0 = 'Hardware.0.Vendor=v&Hardware.0.SN=AN&Hardware.0.DeviceName=n';

const Nested = Type.Object({
  A: Type.Array(Type.Object({ B: Type.Array(Type.Object({ C: Type.String(), D: Type.Optional(Type.Boolean()) })) })),
});
const Constrained = Type.Object({
  Name: Type.Optional(Type.String({ minLength: 2, maxLength: 4, pattern: '^[a-z]+$' })),
  Limit: Type.Optional(Type.Integer({ minimum: 10, maximum: 250 })),
  Ratio: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  Ids: Type.Optional(Type.Array(Type.String(), { minItems: 1, maxItems: 2 })),
  Mode: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(2)])),
  Format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('custom')])),
  Wide: Type.Optional(Type.Union([Type.Integer(), Type.BigInt()])),
  Huge: Type.Optional(Type.BigInt()),
});

describe('decodeParams: form/query pairs (as the SDKs send them)', () => {
  it('rebuilds 0-based lists of structs and coerces per the schema', () => {
    const query = `${hw0}&Hardware.0.AccessScope=2&Hardware.1.Vendor=w&Hardware.1.SN=B%20C&Hardware.1.DeviceName=m`;
    expect(decodeParams(activate, form(query))).toEqual({
      Hardware: [
        { Vendor: 'v', SN: 'AN', DeviceName: 'n', AccessScope: 2 },
        { Vendor: 'w', SN: 'B C', DeviceName: 'm' },
      ],
    });
  });

  it('rebuilds nested objects (`ProductProperties.Region`) and lists of lists (`A.0.B.1.C`)', () => {
    const product = decodeParams(iotcloudSpec.actions.CreateProduct.request, form('ProductName=fruit&ProductProperties.Region=gz&ProductProperties.EncryptionType=1'));
    expect(product).toEqual({ ProductName: 'fruit', ProductProperties: { Region: 'gz', EncryptionType: '1' } });
    expect(decodeParams(Nested, form('A.0.B.0.C=x&A.0.B.1.C=y&A.0.B.1.D=True&A.1.B.0.C=z'))).toEqual({
      A: [{ B: [{ C: 'x' }, { C: 'y', D: true }] }, { B: [{ C: 'z' }] }],
    });
  });

  it('Boolean accepts true/false/True/False; Integer decimal strings; Number decimals and exponents', () => {
    const schema = mnaSpec.actions.OrderPerLicense.request;
    for (const [text, value] of [['true', true], ['True', true], ['false', false], ['False', false]] as const) {
      expect(decodeParams(schema, form(`DeviceId=d&Type=-1&RollBack=${text}`))).toEqual({ DeviceId: 'd', Type: -1, RollBack: value });
    }
    expect(decodeParams(Constrained, form('Ratio=1.5e2&Limit=0100'))).toEqual({ Ratio: 150, Limit: 100 });
  });

  it('lists may arrive in any order of their indexes', () => {
    expect(decodeParams(mnaSpec.actions.GetDevicePayMode.request, form('DeviceIdList.1=b&DeviceIdList.0=a'))).toEqual({ DeviceIdList: ['a', 'b'] });
  });

  it('a required parameter absent is MissingParameter naming the full path', () => {
    fails(activate, form(''), 'MissingParameter', { name: 'Hardware' });
    fails(activate, form('Hardware.0.Vendor=v&Hardware.0.DeviceName=n'), 'MissingParameter', { name: 'Hardware.0.SN' });
    fails(Nested, form('A.0.B.0.D=true'), 'MissingParameter', { name: 'A.0.B.0.C' });
  });

  it('a gap in list indexes is MissingParameter naming the first missing element', () => {
    fails(activate, form(`${hw0}&Hardware.2.Vendor=v`), 'MissingParameter', { name: 'Hardware.1' });
    fails(mnaSpec.actions.GetDevicePayMode.request, form('DeviceIdList.99999999=a'), 'MissingParameter', { name: 'DeviceIdList.0' });
  });

  it('an unexpected name is UnknownParameter naming the parameter as sent', () => {
    fails(activate, form(`${hw0}&Foo=1`), 'UnknownParameter', { name: 'Foo' });
    fails(activate, form(`${hw0}&Hardware.0.Sn=x`), 'UnknownParameter', { name: 'Hardware.0.Sn' });
    fails(activate, form(`${hw0}&Extra.0.Deep.1=x`), 'UnknownParameter', { name: 'Extra.0.Deep.1' });
    fails(activate, form(`${hw0}&Hardware.x.SN=a`), 'UnknownParameter', { name: 'Hardware.x.SN' });
    fails(activate, form('Hardware.00.SN=a'), 'UnknownParameter', { name: 'Hardware.00.SN' });
    fails(activate, form(`${hw0}&${'a.'.repeat(50_000)}b=1`), 'UnknownParameter', { name: `${'a.'.repeat(50_000)}b` });
  });

  it('a value of the wrong type is InvalidParameter: non-decimal Integer, bad Boolean, bad Number', () => {
    const order = mnaSpec.actions.OrderPerLicense.request;
    fails(order, form('DeviceId=d&Type=1.0'), 'InvalidParameter', { name: 'Type' });
    fails(order, form('DeviceId=d&Type='), 'InvalidParameter', { name: 'Type' });
    fails(order, form('DeviceId=d&Type=0&RollBack=yes'), 'InvalidParameter', { name: 'RollBack' });
    fails(order, form('DeviceId=d&Type=0&RollBack=1'), 'InvalidParameter', { name: 'RollBack' });
    fails(Constrained, form('Ratio=1,5'), 'InvalidParameter', { name: 'Ratio' });
  });

  it('a scalar where a list or struct is expected, or a struct where a scalar is, is InvalidParameter', () => {
    fails(activate, form('Hardware=x'), 'InvalidParameter', { name: 'Hardware' });
    fails(activate, form(`${hw0}&Hardware.0=x`), 'InvalidParameter', { name: 'Hardware.0' });
    fails(activate, form('Hardware.0.Vendor=v&Hardware.0.SN.0=a&Hardware.0.DeviceName=n'), 'InvalidParameter', { name: 'Hardware.0.SN' });
    fails(iotcloudSpec.actions.CreateProduct.request, form('ProductName=f&ProductProperties=x'), 'InvalidParameter', { name: 'ProductProperties' });
  });

  it('a repeated name is InvalidParameter (a list where one value is expected)', () => {
    fails(mnaSpec.actions.GetHardwareInfo.request, form('Vendor=a&SN=b&SN=c'), 'InvalidParameter', { name: 'SN' });
  });

  it('an integer beyond ±(2^53−1) is InvalidParameterValue unless the schema admits a bigint', () => {
    fails(mnaSpec.actions.OrderPerLicense.request, form('DeviceId=d&Type=9007199254740992'), 'InvalidParameterValue', {
      name: 'Type',
      rule: 'integerRange',
    });
    expect(decodeParams(mnaSpec.actions.OrderPerLicense.request, form('DeviceId=d&Type=-9007199254740991')).Type).toBe(-9007199254740991);
    expect(decodeParams(Constrained, form('Wide=9007199254740993&Huge=5'))).toEqual({ Wide: 9007199254740993n, Huge: 5n });
    expect(decodeParams(Constrained, form('Wide=42'))).toEqual({ Wide: 42 });
  });

  it('schema constraints are InvalidParameterValue naming the parameter, the rule and its bound', () => {
    fails(Constrained, form('Name=a'), 'InvalidParameterValue', { name: 'Name', rule: 'minLength', limit: 2 });
    fails(Constrained, form('Name=abcde'), 'InvalidParameterValue', { name: 'Name', rule: 'maxLength', limit: 4 });
    fails(Constrained, form('Name=AB'), 'InvalidParameterValue', { name: 'Name', rule: 'pattern', limit: '^[a-z]+$' });
    fails(Constrained, form('Limit=9'), 'InvalidParameterValue', { name: 'Limit', rule: 'minimum', limit: 10 });
    fails(Constrained, form('Limit=251'), 'InvalidParameterValue', { name: 'Limit', rule: 'maximum', limit: 250 });
    fails(Constrained, form('Ratio=0'), 'InvalidParameterValue', { name: 'Ratio', rule: 'exclusiveMinimum', limit: 0 });
    fails(Constrained, form('Ids.0=a&Ids.1=b&Ids.2=c'), 'InvalidParameterValue', { name: 'Ids', rule: 'maxItems', limit: 2 });
    fails(Constrained, form('Mode=3'), 'InvalidParameterValue', { name: 'Mode', rule: 'enum' });
    fails(Constrained, form('Format=xml'), 'InvalidParameterValue', { name: 'Format', rule: 'enum' });
    expect(decodeParams(Constrained, form('Mode=2&Format=json'))).toEqual({ Mode: 2, Format: 'json' });
  });

  it('a constraint inside a list names the element path', () => {
    const schema = Type.Object({ L: Type.Array(Type.Object({ S: Type.String({ minLength: 3 }) })) });
    fails(schema, form('L.0.S=abc&L.1.S=ab'), 'InvalidParameterValue', { name: 'L.1.S', rule: 'minLength' });
  });

  it('an unsupported schema kind is a programming error (TypeError), not a client error', () => {
    expect(() => decodeParams(Type.Object({ X: Type.Any() }), form('X=1'))).toThrow(TypeError);
    expect(() => decodeParams(Type.Object({ X: Type.Union([Type.String(), Type.Integer()]) }), form('X=1'))).toThrow(TypeError);
  });
});

describe('decodeParams: JSON bodies (TC3 POST)', () => {
  it('JSON types pass as they are; 64-bit integers are exact', () => {
    expect(decodeParams(activate, json('{"Hardware":[{"Vendor":"v","SN":"AN","DeviceName":"n","FlowTrunc":1}]}'))).toEqual({
      Hardware: [{ Vendor: 'v', SN: 'AN', DeviceName: 'n', FlowTrunc: 1 }],
    });
    expect(decodeParams(Constrained, json('{"Wide":18446744073709551615,"Huge":1}'))).toEqual({ Wide: 18446744073709551615n, Huge: 1n });
  });

  it('a JSON string is tolerated for Integer, Number and Boolean (the docs send "Encrypted":"false")', () => {
    expect(decodeParams(mnaSpec.actions.AddDevice.request, json('{"DeviceName":"d","Encrypted":"false","AccessScope":"2"}'))).toEqual({
      DeviceName: 'd',
      Encrypted: false,
      AccessScope: 2,
    });
  });

  it('null counts as absent: optional skipped, required MissingParameter', () => {
    expect(decodeParams(mnaSpec.actions.AddDevice.request, json('{"DeviceName":"d","Remark":null}'))).toEqual({ DeviceName: 'd' });
    fails(mnaSpec.actions.AddDevice.request, json('{"DeviceName":null}'), 'MissingParameter', { name: 'DeviceName' });
  });

  it('unknown keys are UnknownParameter at any depth, `__proto__` included', () => {
    fails(activate, json('{"Hardware":[],"Foo":1}'), 'UnknownParameter', { name: 'Foo' });
    fails(activate, json('{"Hardware":[{"Vendor":"v","SN":"a","DeviceName":"n","X":1}]}'), 'UnknownParameter', { name: 'Hardware.0.X' });
    fails(activate, json('{"__proto__":{"polluted":1},"Hardware":[]}'), 'UnknownParameter', { name: '__proto__' });
  });

  it('a JSON number or boolean for a String, a float for an Integer, a scalar for a list, null in a list: InvalidParameter', () => {
    fails(mnaSpec.actions.GetHardwareInfo.request, json('{"Vendor":"v","SN":123321}'), 'InvalidParameter', { name: 'SN' });
    fails(mnaSpec.actions.GetHardwareInfo.request, json('{"Vendor":true,"SN":"s"}'), 'InvalidParameter', { name: 'Vendor' });
    fails(mnaSpec.actions.OrderPerLicense.request, json('{"DeviceId":"d","Type":0.5}'), 'InvalidParameter', { name: 'Type' });
    fails(mnaSpec.actions.OrderPerLicense.request, json('{"DeviceId":"d","Type":1e400}'), 'InvalidParameter', { name: 'Type' });
    fails(activate, json('{"Hardware":{"Vendor":"v"}}'), 'InvalidParameter', { name: 'Hardware' });
    fails(activate, json('{"Hardware":["x"]}'), 'InvalidParameter', { name: 'Hardware.0' });
    fails(mnaSpec.actions.GetDevicePayMode.request, json('{"DeviceIdList":["a",null]}'), 'InvalidParameter', { name: 'DeviceIdList.1' });
    fails(mnaSpec.actions.GetDevicePayMode.request, json('{"DeviceIdList":"a"}'), 'InvalidParameter', { name: 'DeviceIdList' });
  });

  it('a JSON Number that overflows a double is InvalidParameterValue; enum literals check JSON types', () => {
    fails(Constrained, json('{"Ratio":1e400}'), 'InvalidParameterValue', { name: 'Ratio' });
    fails(Constrained, json('{"Mode":"x"}'), 'InvalidParameterValue', { name: 'Mode', rule: 'enum' });
    fails(Constrained, json('{"Mode":true}'), 'InvalidParameter', { name: 'Mode' });
    expect(decodeParams(Constrained, json('{"Mode":"1"}'))).toEqual({ Mode: 1 });
  });

  it('a JSON integer beyond ±(2^53−1) for a plain Integer is InvalidParameterValue', () => {
    fails(mnaSpec.actions.OrderPerLicense.request, json('{"DeviceId":"d","Type":12345678901234567890}'), 'InvalidParameterValue', {
      name: 'Type',
      rule: 'integerRange',
    });
  });
});
