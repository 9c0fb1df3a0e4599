import { describe, expect, it } from 'vitest';
import { secureRandomBytes } from '../../src/core/random.ts';
import { lowerAlphanumeric, randomString } from '../../src/core/ids.ts';

describe('pooled CSPRNG bytes', () => {
  it('hands out each pooled byte once: no two draws overlap across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const draw = secureRandomBytes(16).toString('hex');
      expect(seen.has(draw)).toBe(false);
      seen.add(draw);
    }
  });

  it('returns copies, so a caller that overwrites its bytes changes nothing else', () => {
    const a = secureRandomBytes(32);
    const before = Buffer.from(a);
    secureRandomBytes(32).fill(0);
    expect(a.equals(before)).toBe(true);
  });

  it('serves large requests directly and exactly', () => {
    expect(secureRandomBytes(4096)).toHaveLength(4096);
  });

  it('draws ids uniformly from their alphabet (every symbol appears, none outside it)', () => {
    const text = Array.from({ length: 2_000 }, () => lowerAlphanumeric(10)).join('');
    expect(new Set(text).size).toBe(36);
    expect(text).toMatch(/^[a-z0-9]+$/);
    expect(randomString('ab', 1000)).toMatch(/^[ab]{1000}$/);
  });
});
