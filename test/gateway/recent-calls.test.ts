import { describe, expect, it } from 'vitest';
import { RecentCalls, type RecentCall } from '../../src/gateway/recent-calls.ts';
import type { CallRecord } from '../../src/gateway/request-log.ts';

const call = (n: number): CallRecord => ({
  cloud: 'tencent',
  requestId: `req-${n}`,
  accountId: n % 2 ? '100000000001' : undefined,
  product: 'mna',
  action: 'GetDevices',
  code: 'Success',
  codeLabel: 'Success',
  startedAt: 0n,
});

describe('recent calls ring buffer', () => {
  it('keeps only the last `capacity` calls, newest first, numbered from 1', () => {
    const ring = new RecentCalls(3, () => 42);
    for (let n = 1; n <= 5; n++) ring.record(call(n), n / 1000);
    expect(ring.list(10).map((c) => [c.seq, c.requestId])).toEqual([
      [5, 'req-5'],
      [4, 'req-4'],
      [3, 'req-3'],
    ]);
    expect(ring.list(10)[0]).toEqual({ seq: 5, at: 42, cloud: 'tencent', accountId: '100000000001', product: 'mna', action: 'GetDevices', code: 'Success', latencyMs: 5, requestId: 'req-5' });
    expect(ring.list(10)[1]!.accountId).toBeNull();
  });

  it('lists only calls after a seq, and at most `limit`', () => {
    const ring = new RecentCalls(10);
    for (let n = 1; n <= 6; n++) ring.record(call(n), 0);
    expect(ring.list(10, 4).map((c) => c.seq)).toEqual([6, 5]);
    expect(ring.list(2).map((c) => c.seq)).toEqual([6, 5]);
    expect(ring.list(10, 6)).toEqual([]);
  });

  it('tells listeners each call until they stop listening', () => {
    const ring = new RecentCalls(2);
    const heard: RecentCall[] = [];
    const stop = ring.subscribe((c) => heard.push(c));
    ring.record(call(1), 0);
    stop();
    ring.record(call(2), 0);
    expect(heard.map((c) => c.requestId)).toEqual(['req-1']);
  });
});
