import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FaultTable, type FaultCall, type FaultDefinition } from '../../src/emulator/fault-table.ts';

const CALL: FaultCall = { cloud: 'tencent', product: 'mna', action: 'GetPublicKey', account: '100000000001' };
const ANYWHERE = { cloud: '*', product: '*', action: '*', account: '*', rate: 1 } as const;

function table(...faults: FaultDefinition[]): FaultTable {
  const faultTable = new FaultTable(() => 0);
  for (const fault of faults) faultTable.add(fault, 0);
  return faultTable;
}

describe('FaultTable', () => {
  it('is not armed without faults, so the gateways skip it with one size check', () => {
    const faults = table();
    expect(faults.armed).toBe(false);
    const fault = faults.add({ ...ANYWHERE, error: 'InternalError' }, 0);
    expect(faults.armed).toBe(true);
    faults.remove(fault.id);
    expect(faults.armed).toBe(false);
  });

  it('hits exactly ⌊n·rate⌋ of n matching calls, spread evenly (never two hits closer than ⌊1/rate⌋ calls)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 200 }), (thousandths, calls) => {
        const rate = thousandths / 1000;
        const faults = table({ ...ANYWHERE, error: 'InternalError', rate });
        const hits: number[] = [];
        for (let k = 1; k <= calls; k++) if (faults.strike(CALL)) hits.push(k);
        expect(hits.length).toBe(Math.floor(calls * rate + 1e-9));
        for (let i = 1; i < hits.length; i++) expect(hits[i]! - hits[i - 1]!).toBeGreaterThanOrEqual(Math.floor(1 / rate));
      }),
    );
  });

  it('adds up the latency of every matching fault and answers the error of the oldest one that has one', () => {
    const faults = table(
      { ...ANYWHERE, latencyMs: 100 },
      { ...ANYWHERE, product: 'mna', error: 'FailedOperation.TransactionException', latencyMs: 20 },
      { ...ANYWHERE, error: 'InternalError' },
      { ...ANYWHERE, product: 'iotcloud', error: 'ResourceNotFound', latencyMs: 5000 },
    );
    expect(faults.strike(CALL)).toEqual({ latencyMs: 120, error: 'FailedOperation.TransactionException' });
    expect(faults.list().map((f) => f.matched)).toEqual([1, 1, 1, 0]);
  });

  it('counts only matching calls towards expiry, and drops a fault at its time', () => {
    let now = 0;
    const faults = new FaultTable(() => now);
    faults.add({ ...ANYWHERE, account: CALL.account, error: 'InternalError', calls: 2 }, 0);
    faults.add({ ...ANYWHERE, latencyMs: 1, expiresAt: 1000 }, 0);
    expect(faults.strike({ ...CALL, account: '100000000002' })).toEqual({ latencyMs: 1, error: undefined });
    expect(faults.strike(CALL)?.error).toBe('InternalError');
    expect(faults.strike(CALL)?.error).toBe('InternalError');
    expect(faults.strike(CALL)).toEqual({ latencyMs: 1, error: undefined });
    now = 1000;
    expect(faults.strike(CALL)).toBeUndefined();
    expect(faults.list()).toEqual([]);
  });
});
