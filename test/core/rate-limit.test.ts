import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { RateLimits, rateLimitTable } from '../../src/core/rate-limit.ts';
import { MemoryReplayGuard, RedisReplayGuard } from '../../src/core/replay-guard.ts';
import { REDIS_URL } from '../support/databases.ts';

const redis = new Redis(REDIS_URL);
afterAll(() => redis.quit());

async function burst(limits: RateLimits, account: string, n: number) {
  const decisions = await Promise.all(Array.from({ length: n }, () => limits.consume(account, 'tencent.mna', 'GetHardwareInfo', 20)));
  return decisions;
}

describe('rate limits per account per action', () => {
  it('lets the documented number through in a second and refuses the rest with the count', async () => {
    const limits = new RateLimits(rateLimitTable({}), undefined);
    const decisions = await burst(limits, 'acct', 25);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(20);
    const refused = decisions.find((d) => !d.allowed);
    expect(refused).toMatchObject({ allowed: false, limit: 20 });
    expect(refused && !refused.allowed && refused.count).toBeGreaterThan(20);
  });

  it('keeps accounts and actions apart', async () => {
    const limits = new RateLimits(rateLimitTable({}), undefined);
    await burst(limits, 'a', 20);
    expect((await limits.consume('b', 'tencent.mna', 'GetHardwareInfo', 20)).allowed).toBe(true);
    expect((await limits.consume('a', 'tencent.mna', 'GetDevice', 20)).allowed).toBe(true);
  });

  it('applies per-action and per-product overrides before the documented limit', () => {
    const table = rateLimitTable({ 'tencent.mna:GetHardwareInfo': 100, 'alibaba.iot:*': 7 });
    expect(table('tencent.mna', 'GetHardwareInfo', 20)).toBe(100);
    expect(table('tencent.mna', 'GetDevice', 20)).toBe(20);
    expect(table('alibaba.iot', 'BatchCheckImportDevice', 100)).toBe(7);
    expect(table('tencent.iotcloud', 'GetHardwareInfo', 20)).toBe(20);
  });

  it('shares one budget between two nodes through Redis', async () => {
    const account = `acct-${randomBytes(4).toString('hex')}`;
    const nodeA = new RateLimits(rateLimitTable({}), redis);
    const secondConnection = new Redis(REDIS_URL);
    const nodeB = new RateLimits(rateLimitTable({}), secondConnection);
    const both = await Promise.all([burst(nodeA, account, 15), burst(nodeB, account, 15)]);
    await secondConnection.quit();
    expect(both.flat().filter((d) => d.allowed)).toHaveLength(20);
  });
});

describe('replay guard', () => {
  it('claims a nonce once within its window (memory)', async () => {
    let now = 0;
    const guard = new MemoryReplayGuard(() => now);
    expect(await guard.claim('k', 10)).toBe(true);
    expect(await guard.claim('k', 10)).toBe(false);
    now += 11_000;
    expect(await guard.claim('k', 10)).toBe(true);
  });

  it('claims a nonce once across nodes sharing Redis', async () => {
    const key = `nonce-${randomBytes(6).toString('hex')}`;
    const results = await Promise.all([new RedisReplayGuard(redis).claim(key, 10), new RedisReplayGuard(redis).claim(key, 10)]);
    expect(results.sort()).toEqual([false, true]);
  });
});
