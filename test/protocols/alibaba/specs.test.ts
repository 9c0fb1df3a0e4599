import { describe, expect, it } from 'vitest';
import type { TSchema } from '@sinclair/typebox';
import { Kind, OptionalKind } from '@sinclair/typebox';
import { iotSpec } from '../../../src/protocols/alibaba/specs/iot-2018-01-20.ts';
import { readReference } from './fixtures.ts';

interface ParamSummary {
  name: string;
  type: string;
  required: boolean;
  items?: ParamSummary[];
}
interface Summary {
  actions: Record<string, { qps_per_account: number | string | null; request: ParamSummary[] }>;
}

const summary = readReference<Summary>('api-summary.json');
const actions: Readonly<Record<string, { request: TSchema; qps: number }>> = iotSpec.actions;

// Independent of the generator: walks the TypeBox schema and compares it with the JSON row.
function expectMatches(schema: TSchema, params: readonly ParamSummary[], where: string): void {
  expect(schema[Kind], where).toBe('Object');
  const properties = schema.properties as Record<string, TSchema>;
  expect(Object.keys(properties), where).toEqual(params.map((p) => p.name));
  for (const p of params) {
    const prop = properties[p.name] as TSchema;
    expect(prop[OptionalKind] === 'Optional', `${where}.${p.name} optional`).toBe(!p.required);
    if (p.type === 'list') {
      expect(prop[Kind]).toBe('Array');
      const items = prop.items as TSchema;
      if (p.items === undefined) expect(items[Kind]).toBe('String');
      else expectMatches(items, p.items, `${where}.${p.name}.N`);
    } else {
      const kind = { string: 'String', integer: 'Integer', long: 'Integer', boolean: 'Boolean' }[p.type];
      expect(prop[Kind], `${where}.${p.name}`).toBe(kind);
      if (p.type === 'integer') expect([prop.minimum, prop.maximum]).toEqual([-(2 ** 31), 2 ** 31 - 1]);
      if (p.type === 'long') expect([prop.minimum, prop.maximum]).toEqual([-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]);
    }
  }
}

describe('iotSpec mirrors api-summary.json', () => {
  it('has product Iot, version 2018-01-20 and exactly the summarised actions', () => {
    expect(iotSpec.product).toBe('Iot');
    expect(iotSpec.version).toBe('2018-01-20');
    expect(Object.keys(iotSpec.actions)).toEqual(Object.keys(summary.actions));
  });

  for (const [name, action] of Object.entries(summary.actions)) {
    it(`${name}: parameter names, required flags and wire types match`, () => {
      expectMatches((actions[name] as { request: TSchema }).request, action.request, name);
    });
  }

  it('qps is the documented per-account base limit, 50 where none is documented', () => {
    for (const [name, action] of Object.entries(summary.actions)) {
      const documented = action.qps_per_account;
      const expected = documented === null ? 50 : typeof documented === 'number' ? documented : Number.parseInt(documented, 10);
      expect(actions[name]?.qps, name).toBe(expected);
    }
    expect(iotSpec.actions.QueryDevice.qps).toBe(50);
    expect(iotSpec.actions.BatchCheckImportDevice.qps).toBe(100);
  });
});
