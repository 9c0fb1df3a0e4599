import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { createAccount } from '../../src/core/accounts.ts';
import type { SecretBox } from '../../src/core/secret-box.ts';
import type { Store } from '../../src/storage/database.ts';
import { unmetStatement } from '../../src/storage/atomic-write.ts';
import { balance, credit, ledger } from '../../src/billing/ledger.ts';
import { payAtomically, payerMayPay, pickVoucher, type Order } from '../../src/billing/payment.ts';
import { issueVoucher, listVouchers } from '../../src/billing/vouchers.ts';
import { createSubUser } from '../../src/billing/users.ts';
import type { VoucherRow } from '../../src/billing/tables.ts';
import { STORE_KINDS, openTestStore } from '../support/databases.ts';

const NOW = 1_000_000;
const DAY = 86_400_000;

const voucher = (id: string, fields: Partial<VoucherRow>): VoucherRow => ({
  id,
  account_id: 'a',
  kind: 'cash',
  face_value: 1000,
  remaining: 1000,
  min_order_amount: 0,
  expires_at: NOW + DAY,
  note: null,
  created_at: 0,
  ...fields,
});

describe('the AutoVoucher priority rule (seed OrderPerLicense), one criterion after the other', () => {
  it('first a voucher that covers the whole order, even if it expires later', () => {
    const partial = voucher('v-a', { remaining: 50, expires_at: NOW + 1 });
    const whole = voucher('v-b', { remaining: 100, expires_at: NOW + DAY });
    expect(pickVoucher([partial, whole], 100, NOW)?.id).toBe('v-b');
  });
  it('then the earliest expiry', () => {
    expect(pickVoucher([voucher('v-a', { expires_at: NOW + 2 * DAY }), voucher('v-b', { expires_at: NOW + DAY })], 100, NOW)?.id).toBe('v-b');
  });
  it('then the largest deductible amount', () => {
    expect(pickVoucher([voucher('v-a', { remaining: 30 }), voucher('v-b', { remaining: 60 })], 100, NOW)?.id).toBe('v-b');
  });
  it('then the smallest balance', () => {
    expect(pickVoucher([voucher('v-a', { remaining: 500 }), voucher('v-b', { remaining: 200 })], 100, NOW)?.id).toBe('v-b');
  });
  it('then the cash voucher', () => {
    expect(pickVoucher([voucher('v-a', { kind: 'deduction', min_order_amount: 10 }), voucher('v-b', { kind: 'cash' })], 100, NOW)?.id).toBe('v-b');
  });
  it('never an expired, spent voucher or a deduction voucher whose minimum the order misses', () => {
    const unusable = [voucher('v-a', { expires_at: NOW }), voucher('v-b', { remaining: 0 }), voucher('v-c', { kind: 'deduction', min_order_amount: 101 })];
    expect(pickVoucher(unusable, 100, NOW)).toBeUndefined();
  });
});

describe.each(STORE_KINDS)('payAtomically on %s', (kind) => {
  let store: Store;
  let secrets: SecretBox;
  let close: () => Promise<void>;
  let accounts = 0;
  beforeAll(async () => ({ store, secrets, close } = await openTestStore(kind)));
  afterAll(() => close());

  const newAccount = async (fen: number) => {
    const { id } = await createAccount(store.db, `pay-${++accounts}`, 0);
    if (fen > 0) await credit(store, id, fen, undefined, 0);
    return id;
  };
  const order = (accountId: string, fields: Partial<Order> = {}): Order => ({
    payer: { accountId, userId: null },
    amount: 300,
    voucher: undefined,
    requestId: 'req-1',
    action: 'OrderPerLicense',
    resource: 'res-1',
    deviceId: 'dev-1',
    now: NOW,
    ...fields,
  });
  /** The balance is the sum of the ledger, and each voucher's spent part the sum of the entries drawing on it. */
  async function expectBalanced(accountId: string) {
    const { entries } = await ledger(store.db, accountId, { offset: 0, limit: 10_000 });
    expect(await balance(store.db, accountId)).toBe(entries.reduce((sum, e) => sum + e.amount, 0));
    for (const v of await listVouchers(store.db, accountId)) {
      expect(v.faceValue - v.remaining).toBe(entries.filter((e) => e.voucherId === v.id).reduce((sum, e) => sum + e.amount, 0));
    }
  }
  const cashVoucher = (accountId: string, faceValue: number) => issueVoucher(store.db, { accountId, kind: 'cash', faceValue, expiresAt: NOW + DAY, now: NOW });

  it('charges the balance and records the order with its action, resource and device', async () => {
    const accountId = await newAccount(1000);
    const payment = await payAtomically(store, order(accountId), () => []);
    expect(payment).toMatchObject({ voucherId: null, voucherAmount: 0, balanceAmount: 300 });
    expect(await balance(store.db, accountId)).toBe(700);
    const [entry] = (await ledger(store.db, accountId, { offset: 0, limit: 1 })).entries;
    expect(entry).toMatchObject({ kind: 'order', amount: -300, action: 'OrderPerLicense', resource: 'res-1', deviceId: 'dev-1', requestId: 'req-1' });
    await expectBalanced(accountId);
  });

  it('draws the automatically chosen voucher first, then the balance', async () => {
    const accountId = await newAccount(1000);
    const v = await cashVoucher(accountId, 100);
    const payment = await payAtomically(store, order(accountId, { voucher: { auto: true } }), () => []);
    expect(payment).toMatchObject({ voucherId: v.id, voucherAmount: 100, balanceAmount: 200 });
    expect(await balance(store.db, accountId)).toBe(800);
    expect((await listVouchers(store.db, accountId))[0]!.remaining).toBe(0);
    await expectBalanced(accountId);
  });

  it('ignores a designated voucher that does not meet the order conditions and charges the balance', async () => {
    const accountId = await newAccount(1000);
    const v = await issueVoucher(store.db, { accountId, kind: 'deduction', faceValue: 100, minOrderAmount: 500, expiresAt: NOW + DAY, now: NOW });
    const other = await cashVoucher(await newAccount(0), 100);
    for (const id of [v.id, other.id, 'v-unknown']) {
      expect(await payAtomically(store, order(accountId, { voucher: { id } }), () => [])).toMatchObject({ voucherId: null, balanceAmount: 300 });
    }
    expect((await listVouchers(store.db, accountId))[0]!.remaining).toBe(100);
    await expectBalanced(accountId);
  });

  it('refuses InsufficientBalance having charged nothing and drawn on no voucher', async () => {
    const accountId = await newAccount(100);
    await cashVoucher(accountId, 100);
    await expect(payAtomically(store, order(accountId, { voucher: { auto: true } }), () => [])).rejects.toMatchObject({ reason: 'InsufficientBalance' });
    expect(await balance(store.db, accountId)).toBe(100);
    expect((await listVouchers(store.db, accountId))[0]!.remaining).toBe(100);
    await expectBalanced(accountId);
  });

  it('two orders racing for one voucher: one draws on it, the other is retried and pays from the balance', async () => {
    const accountId = await newAccount(1000);
    const v = await cashVoucher(accountId, 300);
    const payments = await Promise.all([1, 2].map((n) => payAtomically(store, order(accountId, { voucher: { id: v.id }, resource: `res-${n}` }), () => [])));
    expect(payments.map((p) => p.voucherId).sort()).toEqual([null, v.id].sort());
    expect(await balance(store.db, accountId)).toBe(700);
    expect((await listVouchers(store.db, accountId))[0]!.remaining).toBe(0);
    await expectBalanced(accountId);
  });

  it('refuses NotAllowedToPay for a sub-user without canPay, and lets one with it pay', async () => {
    const accountId = await newAccount(1000);
    const denied = await createSubUser(store.db, secrets, { accountId, name: 'no-pay', canPay: false, now: NOW });
    const allowed = await createSubUser(store.db, secrets, { accountId, name: 'pays', canPay: true, now: NOW });
    await expect(payAtomically(store, order(accountId, { payer: { accountId, userId: denied.user.id } }), () => [])).rejects.toMatchObject({ reason: 'NotAllowedToPay' });
    await payAtomically(store, order(accountId, { payer: { accountId, userId: allowed.user.id } }), () => []);
    expect(await balance(store.db, accountId)).toBe(700);
  });

  it('refuses UnauthorizedUser while the account is not identity-verified', async () => {
    const accountId = await newAccount(1000);
    await store.db.updateTable('accounts').set({ identity_verified: 0 }).where('id', '=', accountId).execute();
    await expect(payAtomically(store, order(accountId), () => [])).rejects.toMatchObject({ reason: 'UnauthorizedUser' });
  });

  it("passes the caller's own unmet guard through with its index, having charged nothing", async () => {
    const accountId = await newAccount(1000);
    const own = [
      { query: store.db.updateTable('accounts').set({ name: 'x' }).where('id', '=', accountId).compile(), expectedChanges: 1 },
      { query: store.db.updateTable('accounts').set({ name: 'y' }).where('id', '=', 'nobody').compile(), expectedChanges: 1 },
    ];
    const error = await payAtomically(store, order(accountId), () => own).catch((e: unknown) => e);
    expect(unmetStatement(error)).toBe(1);
    expect(await balance(store.db, accountId)).toBe(1000);
  });

  describe('unchecked: the first write guards the checks, which run only once it is refused', () => {
    /** The caller's own statement as an action folds its checks in: it changes the account row only while the payer may pay. */
    const guardedOwn = (accountId: string, userId: string | null) => () => [
      {
        query: store.db
          .updateTable('accounts')
          .set({ name: sql`name` })
          .where('id', '=', accountId)
          .where(payerMayPay(sql.ref('accounts.id'), userId))
          .compile(),
        expectedChanges: 1,
      },
    ];

    it('pays an order that passes every guard without running the checks', async () => {
      const accountId = await newAccount(1000);
      const check = vi.fn(async () => {});
      await payAtomically(store, order(accountId), () => [], { own: guardedOwn(accountId, null), check });
      expect(check).not.toHaveBeenCalled();
      expect(await balance(store.db, accountId)).toBe(700);
      await expectBalanced(accountId);
    });

    it("answers the check's refusal when a guard is unmet, having charged nothing", async () => {
      const accountId = await newAccount(1000);
      await store.db.updateTable('accounts').set({ identity_verified: 0 }).where('id', '=', accountId).execute();
      const check = vi.fn(async () => {
        throw new Error('refused by the check');
      });
      await expect(payAtomically(store, order(accountId), () => [], { own: guardedOwn(accountId, null), check })).rejects.toThrow('refused by the check');
      expect(check).toHaveBeenCalledOnce();
      expect(await balance(store.db, accountId)).toBe(1000);
    });

    it("then checks the payer itself unless the caller did: payerMayPay's refusals are checkPayer's", async () => {
      const accountId = await newAccount(1000);
      const denied = await createSubUser(store.db, secrets, { accountId, name: 'no-pay', canPay: false, now: NOW });
      const deniedOrder = order(accountId, { payer: { accountId, userId: denied.user.id } });
      await expect(payAtomically(store, deniedOrder, () => [], { own: guardedOwn(accountId, denied.user.id), check: async () => {} })).rejects.toMatchObject({ reason: 'NotAllowedToPay' });
      await store.db.updateTable('accounts').set({ identity_verified: 0 }).where('id', '=', accountId).execute();
      await expect(payAtomically(store, order(accountId), () => [], { own: guardedOwn(accountId, null), check: async () => {} })).rejects.toMatchObject({ reason: 'UnauthorizedUser' });
      expect(await balance(store.db, accountId)).toBe(1000);
    });

    it('goes on with the checked statements when the checks pass after all (the rows changed meanwhile)', async () => {
      const accountId = await newAccount(1000);
      const refused = () => [{ query: store.db.updateTable('accounts').set({ name: 'x' }).where('id', '=', 'nobody').compile(), expectedChanges: 1 }];
      const check = vi.fn(async () => {});
      await payAtomically(store, order(accountId), () => [], { own: refused, check });
      expect(check).toHaveBeenCalledOnce();
      expect(await balance(store.db, accountId)).toBe(700);
    });

    it('refuses InsufficientBalance at once when only the balance fell short: the guards before it held', async () => {
      const accountId = await newAccount(100);
      const check = vi.fn(async () => {});
      await expect(payAtomically(store, order(accountId), () => [], { own: guardedOwn(accountId, null), check })).rejects.toMatchObject({ reason: 'InsufficientBalance' });
      expect(check).not.toHaveBeenCalled();
      expect(await balance(store.db, accountId)).toBe(100);
    });
  });
});
