import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkDataKey, pageWindow, totalPages } from '../../../../src/services/tencent/mna/validation.ts';

describe('MNA value rules', () => {
  it('accepts the canonical base64 of any 1 to 64 bytes as a DataKey', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => checkDataKey('DataKey', Buffer.from(bytes).toString('base64')) === undefined));
  });

  it('rejects empty, oversized, non-base64 and non-canonical DataKeys', () => {
    for (const value of ['', Buffer.alloc(65).toString('base64'), 'mna-test1', 'a b=', 'keys=', 'QQ', 'QR==', 'YWJj\n']) {
      expect(checkDataKey('Hardware.0.DataKey', value)?.code, JSON.stringify(value)).toBe('InvalidParameterValue');
    }
    expect(checkDataKey('DataKey', 'keys')).toBeUndefined();
  });

  it('pages by number and size, or everything with -1/-1', () => {
    expect(pageWindow(3, 10)).toEqual({ limit: 10, offset: 20 });
    expect(pageWindow(-1, -1)).toBe('all');
    for (const [number, size] of [[0, 10], [1, 0], [-1, 10], [1, -1]] as const) {
      expect(() => pageWindow(number, size)).toThrow(expect.objectContaining({ code: 'InvalidParameterValue' }));
    }
    fc.assert(
      fc.property(fc.nat(10_000), fc.integer({ min: 1, max: 500 }), (total, size) => {
        const pages = totalPages(total, { limit: size, offset: 0 });
        return pages * size >= total && (pages - 1) * size < Math.max(total, 1);
      }),
    );
    expect([totalPages(0, 'all'), totalPages(7, 'all')]).toEqual([0, 1]);
  });
});
