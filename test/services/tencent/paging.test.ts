import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pageWindow, totalPages } from '../../../src/services/tencent/paging.ts';

describe('Tencent PageNumber/PageSize paging', () => {
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
