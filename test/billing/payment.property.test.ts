import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createAccount } from '../../src/core/accounts.ts';
import type { Store } from '../../src/storage/database.ts';
import type { GuardedStatement } from '../../src/storage/atomic-write.ts';
import { balance, credit, ledger } from '../../src/billing/ledger.ts';
import { payAtomically, type VoucherChoice } from '../../src/billing/payment.ts';
import { issueVoucher, listVouchers } from '../../src/billing/vouchers.ts';
import { StoreRefusal } from '../../src/storage/store-refusal.ts';
import { openTestStore, type StoreKind } from '../support/databases.ts';

const NOW = 1_000_000;

const ops = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('credit' as const), amount: fc.integer({ min: 1, max: 5_000 }) }),
    fc.record({
      op: fc.constant('voucher' as const),
      kind: fc.constantFrom('cash' as const, 'deduction' as const),
      faceValue: fc.integer({ min: 1, max: 3_000 }),
      minOrder: fc.integer({ min: 0, max: 3_000 }),
      expiresIn: fc.integer({ min: -10, max: 100 }),
    }),
    // Several orders at once: they race for the balance and the vouchers.
    fc.record({
      op: fc.constant('orders' as const),
      orders: fc.array(fc.record({ amount: fc.integer({ min: 1, max: 3_000 }), voucher: fc.constantFrom('auto' as const, 'first' as const, 'none' as const), ownFails: fc.boolean() }), {
        minLength: 1,
        maxLength: 6,
      }),
    }),
  ),
  { maxLength: 12 },
);

// PostgreSQL takes a round trip per statement: fewer runs there keep the suite quick.
describe.each([
  ['sqlite-memory', 40],
  ['sqlite-file', 15],
  ['postgres', 15],
] as [StoreKind, number][])('the ledger invariant under random credits, vouchers, orders and failures (%s)', (kind, numRuns) => {
  let store: Store;
  let close: () => Promise<void>;
  let accounts = 0;
  beforeAll(async () => ({ store, close } = await openTestStore(kind)));
  afterAll(() => close());

  it('balance == sum of the ledger, never negative; no voucher spent beyond its face value or twice over; refused orders leave no trace', async () => {
    await fc.assert(
      fc.asyncProperty(ops, async (script) => {
        const { id: accountId } = await createAccount(store.db, `prop-${++accounts}`, 0);
        let expected = 0;
        let paid = 0;
        for (const step of script) {
          if (step.op === 'credit') {
            await credit(store, accountId, step.amount, undefined, NOW);
            expected += step.amount;
          } else if (step.op === 'voucher') {
            const minimum = step.kind === 'cash' ? 0 : step.minOrder;
            // Some vouchers are already expired: they must never be drawn on.
            await issueVoucher(store.db, { accountId, kind: step.kind, faceValue: step.faceValue, minOrderAmount: minimum, expiresAt: NOW + step.expiresIn, now: NOW + step.expiresIn - 1 });
          } else {
            const [first] = await listVouchers(store.db, accountId);
            const results = await Promise.allSettled(
              step.orders.map((order, i) => {
                const choice: VoucherChoice = order.voucher === 'auto' ? { auto: true } : order.voucher === 'first' && first ? { id: first.id } : undefined;
                const own: GuardedStatement[] = [
                  { query: store.db.updateTable('accounts').set({ status: 'active' }).where('id', '=', order.ownFails ? 'nobody' : accountId).compile(), expectedChanges: 1 },
                ];
                return payAtomically(store, { payer: { accountId, userId: null }, amount: order.amount, voucher: choice, requestId: `r-${i}`, action: 'Test', resource: `res-${i}`, now: NOW }, () => own);
              }),
            );
            for (const [i, result] of results.entries()) {
              if (result.status === 'fulfilled') {
                expect(step.orders[i]!.ownFails).toBe(false);
                expected -= result.value.balanceAmount;
                paid++;
              } else if (!(result.reason instanceof StoreRefusal && result.reason.reason === 'InsufficientBalance')) {
                // The caller's own guard failed: passed through as the write's error.
                expect(step.orders[i]!.ownFails).toBe(true);
              }
            }
          }
        }
        const { entries } = await ledger(store.db, accountId, { offset: 0, limit: 100_000 });
        const fen = await balance(store.db, accountId);
        expect(fen).toBe(expected);
        expect(fen).toBe(entries.reduce((sum, e) => sum + e.amount, 0));
        expect(fen).toBeGreaterThanOrEqual(0);
        expect(entries.filter((e) => e.kind === 'order')).toHaveLength(paid);
        // Every order drew on at most one voucher, and only on one usable at NOW.
        const vouchers = new Map((await listVouchers(store.db, accountId)).map((v) => [v.id, v]));
        const bySeq = new Map(entries.map((e) => [e.seq, e]));
        for (const e of entries.filter((e) => e.kind === 'voucher')) {
          expect(vouchers.get(e.voucherId!)!.expiresAt).toBeGreaterThan(NOW);
          // The order it paid towards is the very next entry, committed with it.
          expect(bySeq.get(e.seq + 1)).toMatchObject({ kind: 'order', resource: e.resource, requestId: e.requestId });
        }
        for (const v of vouchers.values()) {
          expect(v.remaining).toBeGreaterThanOrEqual(0);
          expect(v.faceValue - v.remaining).toBe(entries.filter((e) => e.voucherId === v.id).reduce((sum, e) => sum + e.amount, 0));
        }
      }),
      { numRuns },
    );
  }, 120_000);
});
