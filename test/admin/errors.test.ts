import { describe, expect, it } from 'vitest';
import { fieldWithNul } from '../../src/admin/errors.ts';

describe('admin NUL check', () => {
  const nested = (depth: number, leaf: unknown): unknown => {
    let value = leaf;
    for (let i = 0; i < depth; i++) value = { a: value };
    return value;
  };

  it('names the field holding a NUL, in a key or a value, at any depth', () => {
    expect(fieldWithNul({ params: { keyId: 'a\0b' } })).toBe('keyId');
    expect(fieldWithNul({ body: { name: 'ok', note: 'x\0' } })).toBe('body.note');
    expect(fieldWithNul({ body: { ['k\0']: 1 } })).toBe('body');
    expect(fieldWithNul({ body: nested(3, 'deep\0') })).toBe('body.a.a.a');
  });

  it('walks a body nested 200,000 deep without overflowing the stack (a 500 before)', () => {
    expect(fieldWithNul({ body: nested(200_000, 'fine') })).toBeUndefined();
    expect(fieldWithNul({ body: nested(200_000, '\0') })).toMatch(/^body(\.a)+$/);
  });
});
