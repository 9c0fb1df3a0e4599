import { expect } from 'vitest';
import { readReference } from '../../../support/reference.ts';

interface Field {
  readonly name: string;
  readonly type: string;
  readonly fields?: readonly Field[];
  readonly items?: readonly Field[];
}

const summary = readReference<{
  actions: Record<string, { response: Field[] }>;
}>('alibaba/api-summary.json');

const DETAIL: Field[] = [
  { name: 'DeviceName', type: 'string' },
  { name: 'DeviceSecret', type: 'string' },
  { name: 'Sn', type: 'string' },
  { name: 'ErrorMsg', type: 'string' },
];

// Fields the 3.0.11 SDK models drop but the current documentation (and the issue) require.
const NEWER_FIELDS: Readonly<Record<string, Record<string, Field>>> = {
  BatchCheckImportDevice: { Data: { name: 'InvalidDetailList', type: 'array<object>', items: DETAIL } },
  BatchImportDevice: {
    Data: { name: 'InvalidDetailList', type: 'object', fields: [{ name: 'InvalidDetailList', type: 'array<object>', items: DETAIL }] },
  },
};

const COMMON: Field[] = [
  { name: 'Success', type: 'boolean' },
  { name: 'Code', type: 'string' },
  { name: 'ErrorMessage', type: 'string' },
];

function check(value: unknown, field: Field, path: string, extras: Record<string, Field>): void {
  const scalar = { string: 'string', number: 'number', boolean: 'boolean' }[field.type];
  if (scalar !== undefined) {
    expect(typeof value, path).toBe(scalar);
    return;
  }
  if (field.type === 'object') {
    expect(value, path).toBeTypeOf('object');
    expect(Array.isArray(value), path).toBe(false);
    checkObject(value as Record<string, unknown>, [...(field.fields ?? []), ...(extras[field.name] ? [extras[field.name]!] : [])], path, {});
    return;
  }
  expect(Array.isArray(value), `${path} is an array`).toBe(true);
  for (const [i, item] of (value as unknown[]).entries()) {
    if (field.type === 'array<string>') expect(typeof item, `${path}[${i}]`).toBe('string');
    else checkObject(item as Record<string, unknown>, field.items ?? [], `${path}[${i}]`, {});
  }
}

function checkObject(body: Record<string, unknown>, fields: readonly Field[], path: string, extras: Record<string, Field>): void {
  const byName = new Map(fields.map((f) => [f.name, f]));
  for (const [key, value] of Object.entries(body)) {
    const field = byName.get(key);
    expect(field, `${path}.${key} is a documented field`).toBeDefined();
    check(value, field!, `${path}.${key}`, extras);
  }
}

/**
 * Asserts that every field of a handler's body (RequestId is the gateway's) is one
 * api-summary.json records for the action, with its JSON type and nesting. DeleteProduct has no
 * entry there: its body is the common fields only (iot20180120 DeleteProductResponseBody).
 */
export function expectDocumentedShape(action: string, body: Record<string, unknown>): void {
  const documented = summary.actions[action]?.response ?? COMMON;
  checkObject(body, [...documented, ...COMMON.filter((c) => !documented.some((d) => d.name === c.name))], action, NEWER_FIELDS[action] ?? {});
}
