import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openStore, type Store } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { createAccount } from '../../src/core/accounts.ts';
import { BalanceLimitExceeded, InsufficientBalance, InvalidMovement, balance, credit, ledger, movementStatements, newEntryId, recordMovement } from '../../src/billing/ledger.ts';
import { freshPostgresSchema } from '../support/databases.ts';

/** The SQLite file store writes through its writer thread, the in-memory one on the event loop: both are covered. */
const STORES = ['sqlite :memory:', 'sqlite file', 'postgres'] as const;

async function openLedgerStore(kind: (typeof STORES)[number]): Promise<{ store: Store; close: () => Promise<void> }> {
  if (kind === 'postgres') {
    const schema = await freshPostgresSchema();
    const store = openStore({ location: schema.url });
    await migrateToLatest(store);
    const close = async () => {
      await store.close();
      await schema.drop();
    };
    return { store, close };
  }
  const dir = kind === 'sqlite file' ? mkdtempSync(join(tmpdir(), 'fleetgate-billing-')) : undefined;
  const store = openStore({ location: dir ? join(dir, 'fleetgate.db') : ':memory:' });
  await migrateToLatest(store);
  const close = async () => {
    await store.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  return { store, close };
}

describe.each(STORES)('billing ledger on %s', (kind) => {
  let store: Store;
  let close: () => Promise<void>;
  let accounts = 0;
  beforeAll(async () => ({ store, close } = await openLedgerStore(kind)));
  afterAll(() => close());
  const newAccount = async () => (await createAccount(store.db, `billing-${++accounts}`, 0)).id;

  /** Reads the whole ledger, oldest first. */
  const allEntries = async (accountId: string) => (await ledger(store.db, accountId, { offset: 0, limit: 1_000_000 })).entries.reverse();

  /** The invariant: the balance is the sum of the ledger, never negative, and each entry's balanceAfter follows from the one before. */
  async function expectConsistent(accountId: string): Promise<number> {
    const entries = await allEntries(accountId);
    const fen = await balance(store.db, accountId);
    expect(fen).toBe(entries.reduce((sum, e) => sum + e.amount, 0));
    expect(fen).toBeGreaterThanOrEqual(0);
    let running = 0;
    for (const [index, entry] of entries.entries()) {
      running += entry.amount;
      expect(entry).toMatchObject({ seq: index + 1, balanceAfter: running, kind: entry.amount < 0 ? 'debit' : 'credit' });
    }
    return fen;
  }

  it('starts at zero, credits and debits append entries whose balanceAfter is the new balance', async () => {
    const account = await newAccount();
    expect(await balance(store.db, account)).toBe(0);
    expect(await ledger(store.db, account, { offset: 0, limit: 10 })).toEqual({ entries: [], total: 0 });
    const first = await credit(store, account, 10_000, 'top-up', 1_000);
    expect(first).toEqual({
      id: expect.stringMatching(/^le-[a-z0-9]{16}$/),
      accountId: account,
      seq: 1,
      kind: 'credit',
      amount: 10_000,
      balanceAfter: 10_000,
      requestId: null,
      note: 'top-up',
      resource: null,
      createdAt: 1_000,
      action: null,
      deviceId: null,
      voucherId: null,
    });
    const second = await credit(store, account, -2_500, undefined, 2_000);
    expect(second).toMatchObject({ seq: 2, kind: 'debit', amount: -2_500, balanceAfter: 7_500, note: null });
    expect(await balance(store.db, account)).toBe(7_500);
    const page = await ledger(store.db, account, { offset: 0, limit: 1 });
    expect(page).toEqual({ entries: [second], total: 2 });
    expect((await ledger(store.db, account, { offset: 1, limit: 5 })).entries).toEqual([first]);
  });

  it('refuses a debit below zero, writing nothing', async () => {
    const account = await newAccount();
    await credit(store, account, 100, undefined, 0);
    await expect(credit(store, account, -101, undefined, 0)).rejects.toThrow(InsufficientBalance);
    await expect(credit(store, account, -101, undefined, 0)).rejects.toThrow(`account ${account} has a balance of 100 fen, too little for a debit of 101 fen`);
    const untouched = await newAccount();
    await expect(credit(store, untouched, -1, undefined, 0)).rejects.toThrow(InsufficientBalance);
    expect(await balance(store.db, account)).toBe(100);
    expect((await ledger(store.db, account, { offset: 0, limit: 10 })).total).toBe(1);
    expect(await balance(store.db, untouched)).toBe(0);
  });

  it('refuses amounts that are not non-zero safe integers, and a balance past 2^53 - 1', async () => {
    const account = await newAccount();
    for (const amount of [0, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1, -(2 ** 60), '100' as unknown as number]) {
      await expect(credit(store, account, amount, undefined, 0)).rejects.toThrow(InvalidMovement);
    }
    await credit(store, account, Number.MAX_SAFE_INTEGER, undefined, 0);
    await expect(credit(store, account, 1, undefined, 0)).rejects.toThrow(BalanceLimitExceeded);
    expect(await expectConsistent(account)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses notes longer than 256 characters or with control characters (NUL included)', async () => {
    const account = await newAccount();
    await expect(credit(store, account, 1, 'x'.repeat(257), 0)).rejects.toThrow('at most 256');
    await expect(credit(store, account, 1, 'a\u0000b', 0)).rejects.toThrow('control characters');
    expect(await balance(store.db, account)).toBe(0);
  });

  it('a paying action records its request id and resource, and its movement commits or fails with the rest of its write', async () => {
    const account = await newAccount();
    await credit(store, account, 500, undefined, 0);
    const charge = await recordMovement(store, { accountId: account, kind: 'debit', amount: -200, now: 5, requestId: 'req-1', resource: 'license/mna-0000000001' });
    expect(charge).toMatchObject({ seq: 2, amount: -200, balanceAfter: 300, requestId: 'req-1', resource: 'license/mna-0000000001', note: null });
    // A statement of the same write that fails takes the movement down with it.
    const failing = { query: store.db.insertInto('accounts').values({ id: account, name: 'dup', status: 'active', created_at: 0 }).compile() };
    const movement = movementStatements(store.db, { accountId: account, kind: 'debit', amount: -100, now: 6 }, newEntryId()).statements;
    await expect(store.writeAtomically([...movement, failing])).rejects.toThrow();
    expect(await expectConsistent(account)).toBe(300);
  });

  it('a debit of an account that never had a movement is refused as one of a zero balance, and leaves no balance row', async () => {
    const account = await newAccount();
    await expect(credit(store, account, -1, undefined, 0)).rejects.toBeInstanceOf(InsufficientBalance);
    expect(await store.db.selectFrom('billing_balances').select('account_id').where('account_id', '=', account).executeTakeFirst()).toBeUndefined();
    expect(await balance(store.db, account)).toBe(0);
  });

  it('parallel debits never overdraw: 40 debits of 10 against 100 fen, exactly 10 succeed', async () => {
    const account = await newAccount();
    await credit(store, account, 100, undefined, 0);
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => credit(store, account, -10, undefined, 0)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(InsufficientBalance);
    expect(await expectConsistent(account)).toBe(0);
  });

  it('property: any sequence of credits and debits, some of them concurrent, keeps balance == sum(ledger) >= 0', async () => {
    const amount = fc.oneof(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: -1_000, max: -1 }));
    // Each step is a batch: one movement runs alone, several run at once.
    const steps = fc.array(fc.array(amount, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(steps, async (batches) => {
        const account = await newAccount();
        let model = 0;
        for (const batch of batches) {
          const before = model;
          const settled = await Promise.allSettled(batch.map((fen) => credit(store, account, fen, undefined, 0)));
          for (const [index, outcome] of settled.entries()) {
            if (outcome.status === 'fulfilled') model += batch[index]!;
            else expect(outcome.reason).toBeInstanceOf(InsufficientBalance);
          }
          // A lone movement is refused exactly when it would overdraw.
          if (batch.length === 1) expect(settled[0]!.status === 'rejected').toBe(before + batch[0]! < 0);
          expect(await expectConsistent(account)).toBe(model);
        }
      }),
      { numRuns: kind === 'postgres' ? 25 : 50 },
    );
  });
});
