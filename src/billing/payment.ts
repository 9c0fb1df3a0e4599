import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { Store } from '../storage/database.ts';
import { unmetStatement, type GuardedStatement } from '../storage/atomic-write.ts';
import { isTransientConflict } from '../storage/constraints.ts';
import { StoreRefusal } from '../storage/store-refusal.ts';
import { preparedQuery } from '../storage/prepared-query.ts';
import { balance, checkAmount, movementStatements, newEntryId, type Movement } from './ledger.ts';
import type { LedgerKind, VoucherRow } from './tables.ts';

/** Who pays: the account itself (one of its own keys) or one of its sub-users. */
export interface Payer {
  readonly accountId: string;
  /** The sub-user whose key signed the request; null for the account's own keys. */
  readonly userId: string | null;
}

/** Which voucher an order may draw on: the best by the priority rule, the one designated, or none. */
export type VoucherChoice = { readonly auto: true } | { readonly id: string } | undefined;

/** One order a paying action takes money for. */
export interface Order {
  readonly payer: Payer;
  /** The order's price in fen (see prices.ts), positive. */
  readonly amount: number;
  readonly voucher: VoucherChoice;
  readonly requestId: string;
  /** The cloud action, e.g. `OrderPerLicense`; recorded on the ledger entries. */
  readonly action: string;
  /** The id of what the order buys (its ResourceId). */
  readonly resource: string;
  readonly deviceId?: string;
  /** ctx.now(), read once for the whole order. */
  readonly now: number;
  /**
   * The payer's checks are the caller's: it ran checkPayer already (MNA's checkMayOrder does, first
   * of its checks), or its `unchecked` checks include it and its `unchecked.own` statements carry
   * the `payerMayPay` guard. payAtomically then does not read the account itself.
   */
  readonly payerChecked?: boolean;
}

/** How an order is paid: at most one voucher, the rest from the balance. */
export interface Payment {
  readonly voucherId: string | null;
  /** What the voucher pays, in fen (0 without one). */
  readonly voucherAmount: number;
  /** What the balance pays: amount less voucherAmount. */
  readonly balanceAmount: number;
  /** The guarded statements that move the money (see payAtomically for their place in a write). */
  readonly statements: readonly GuardedStatement[];
  /** Index of the balance debit within statements: its guard failing means the balance was too low. */
  readonly debitStatement: number;
  /** Index of the voucher deduction within statements (-1 without a voucher): its guard failing means another order spent or the clock expired the voucher meanwhile. */
  readonly voucherStatement: number;
}

/**
 * Why an order was not paid; nothing was charged and no voucher drawn on. Products map each
 * reason to their error code (MNA: OperationDenied.UnauthorizedUser, OperationDenied.NotAllowedToPay,
 * OperationDenied.InsufficientBalance, FailedOperation.TransactionException).
 */
export type PaymentRefusal = 'UnauthorizedUser' | 'NotAllowedToPay' | 'InsufficientBalance' | 'TransactionFailed';

/** How many times payAtomically writes before it gives up with TransactionFailed. */
export const PAYMENT_ATTEMPTS = 5;

/**
 * The voucher an order draws on automatically, by the seed's priority rule (OrderPerLicense,
 * AutoVoucher): "voucher that can offset the total amount of the Payment Order, voucher with the
 * earliest Expiration, voucher with the maximum deductible amount, voucher with the minimum
 * balance, cash voucher. Only one voucher can be deducted at most." The id breaks remaining ties
 * so the choice is the same on every node.
 */
export function pickVoucher(vouchers: readonly VoucherRow[], amount: number, now: number): VoucherRow | undefined {
  const usable = vouchers.filter((voucher) => isUsable(voucher, amount, now));
  const rank = (voucher: VoucherRow): number[] => {
    const deductible = deductibleAmount(voucher, amount);
    return [deductible === amount ? 0 : 1, voucher.expires_at, -deductible, voucher.remaining, voucher.kind === 'cash' ? 0 : 1];
  };
  usable.sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    const differs = ra.findIndex((value, i) => value !== rb[i]);
    if (differs >= 0) return ra[differs]! - rb[differs]!;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  return usable[0];
}

/** A voucher meets an order's conditions while it is unexpired, not spent, and (deduction vouchers) the order reaches its minimum amount. */
export function isUsable(voucher: VoucherRow, amount: number, now: number): boolean {
  return voucher.expires_at > now && voucher.remaining > 0 && (voucher.kind === 'cash' || amount >= voucher.min_order_amount);
}

/** What a voucher can pay of an order: all of it, or what is left on the voucher. */
export const deductibleAmount = (voucher: VoucherRow, amount: number): number => Math.min(voucher.remaining, amount);

/**
 * The order's ledger movement of one kind, spelled out: built as `{ ...common, kind, amount }`
 * (properties added after a spread), it and payOrder's Order made Node 20's scavenger promote
 * about 1.2 MB to the old generation at every scavenge of the order path, for the full GC to free
 * (`--trace-gc-nvp`; bench/README.md, fourth pass).
 */
const movementOf = (order: Order, kind: LedgerKind, amount: number, voucherId: string | undefined): Movement => ({
  accountId: order.payer.accountId,
  kind,
  amount,
  now: order.now,
  requestId: order.requestId,
  action: order.action,
  resource: order.resource,
  deviceId: order.deviceId,
  voucherId,
});

/**
 * Picks the voucher and returns the statements that pay the order. A designated voucher that is
 * unknown, another account's, or does not meet the order's conditions is ignored: the balance
 * pays it all.
 */
async function preparePayment(db: Kysely<Database>, order: Order): Promise<Payment> {
  const voucher = await chooseVoucher(db, order);
  const voucherAmount = voucher ? deductibleAmount(voucher, order.amount) : 0;
  const statements: GuardedStatement[] = [];
  let voucherStatement = -1;
  if (voucher) {
    voucherStatement = statements.length;
    statements.push(voucherDeduction(db, voucher.id, order.payer.accountId, voucherAmount, order.now));
    // The voucher's part enters the balance just before the charge, so the ledger still sums to the balance.
    statements.push(...movementStatements(db, movementOf(order, 'voucher', voucherAmount, voucher.id), newEntryId()).statements);
  }
  const charge = movementStatements(db, movementOf(order, 'order', -order.amount, undefined), newEntryId());
  const debitStatement = statements.length + charge.guard;
  statements.push(...charge.statements);
  return { voucherId: voucher?.id ?? null, voucherAmount, balanceAmount: order.amount - voucherAmount, statements, debitStatement, voucherStatement };
}

/**
 * Pays an order inside one atomic write with the caller's own statements: `own(payment)` comes
 * first (the rows the order changes, guarded: e.g. "the device holds no permanent license yet"),
 * then the payment's. All of it commits, or nothing. Lock order is the caller's rows, then the
 * voucher, then the balance, the same for every paying action, so concurrent orders never
 * deadlock on each other (a caller changing several rows of its own changes them in id order).
 *
 * Checks that the payer may pay (identity verified; a sub-user needs canPay) unless the order says
 * the caller did. Throws, having written nothing:
 * - StoreRefusal<PaymentRefusal>: UnauthorizedUser, NotAllowedToPay, InsufficientBalance, or
 *   TransactionFailed after PAYMENT_ATTEMPTS writes lost to concurrent vouchers spending or to
 *   database conflicts;
 * - the atomic write's own error when one of the caller's statements missed its expected change
 *   count: `unmetStatement(error)` is that statement's index within `own(payment)`.
 *
 * With `unchecked`, neither the caller nor this function has checked anything yet: the first
 * writes use `unchecked.own`, whose guards also hold every check (payerMayPay for the payer's), so
 * an order that passes them all is paid without a read before its write (on SQLite such reads run
 * on the event loop, each from a page cache the last commit emptied; the writer's stays warm).
 * When one of those guards is unmet, nothing was written and the checks run one by one,
 * `unchecked.check()` and then the payer's, to throw the refusal in the caller's documented order;
 * if they all pass (the rows changed meanwhile), the order goes on as without `unchecked`.
 */
export async function payAtomically(
  store: Store,
  order: Order,
  own: (payment: Payment) => readonly GuardedStatement[],
  unchecked?: { readonly own: (payment: Payment) => readonly GuardedStatement[]; check(): Promise<void> },
): Promise<Payment> {
  checkAmount(order.amount);
  let checked = unchecked === undefined;
  if (checked && !order.payerChecked) await checkPayer(store.db, order.payer);
  for (let lost = 0; ; ) {
    const written = await writeOnce(store, order, checked ? own : unchecked!.own);
    if (written.ok) return written.payment;
    const { payment, ownCount, error } = written;
    const failed = unmetStatement(error);
    // Refused by one of the caller's guards, or failed before they could hold (a conflict, say):
    // the checks answer first, so a refused caller is never answered (nor rolled back) as a payment failure.
    if (!checked && (failed === undefined || failed < ownCount)) {
      await unchecked!.check();
      if (!order.payerChecked) await checkPayer(store.db, order.payer);
      checked = true;
      if (failed !== undefined) continue;
    }
    if (failed === ownCount + payment.debitStatement) {
      const current = await balance(store.db, order.payer.accountId);
      throw new StoreRefusal<PaymentRefusal>('InsufficientBalance', `account ${order.payer.accountId} has a balance of ${current} fen, too little for ${payment.balanceAmount} fen`);
    }
    const voucherGone = payment.voucherStatement >= 0 && failed === ownCount + payment.voucherStatement;
    const retry = voucherGone || isTransientConflict(error) || isBusy(error);
    if (!retry) throw error;
    if (++lost === PAYMENT_ATTEMPTS) throw new StoreRefusal<PaymentRefusal>('TransactionFailed', `the order could not be committed after ${PAYMENT_ATTEMPTS} attempts`);
  }
}

type Written = { readonly ok: true; readonly payment: Payment } | { readonly ok: false; readonly payment: Payment; readonly ownCount: number; readonly error: unknown };

/** Picks the voucher and writes the caller's statements and the payment's together, once. */
async function writeOnce(store: Store, order: Order, own: (payment: Payment) => readonly GuardedStatement[]): Promise<Written> {
  const payment = await preparePayment(store.db, order);
  const ownStatements = own(payment);
  try {
    await store.writeAtomically([...ownStatements, ...payment.statements]);
    return { ok: true, payment };
  } catch (error) {
    return { ok: false, payment, ownCount: ownStatements.length, error };
  }
}

/**
 * checkPayer's rule as a condition for a guarded statement (payAtomically's `unchecked.own`): the account
 * (`accountId`, a value or a column of the row the statement changes) has verified its identity
 * and, when a sub-user signed (`userId` not null), that sub-user is the account's and may pay.
 * One shape whatever `userId` is, so a prepared statement can carry it.
 */
export function payerMayPay(accountId: Expression<string>, userId: string | null): RawBuilder<SqlBool> {
  // Aliased, so that a column of the statement's own table (accounts, say) is never shadowed.
  return sql<SqlBool>`exists (select 1 from accounts paying_account where paying_account.id = ${accountId} and paying_account.identity_verified = 1) and (cast(${userId} as text) is null or exists (select 1 from billing_users paying_user where paying_user.id = ${userId} and paying_user.account_id = ${accountId} and paying_user.can_pay = 1))`;
}

/** SQLite gave up waiting for another process's write lock (busy timeout). */
const isBusy = (error: unknown): boolean => (error as { code?: string } | undefined)?.code === 'SQLITE_BUSY';

const accountFlags = preparedQuery((db: Kysely<Database>, accountId: string) =>
  db.selectFrom('accounts').select(['identity_verified', 'mna_authorized']).where('id', '=', accountId),
);
const subUserCanPay = preparedQuery((db: Kysely<Database>, userId: string, accountId: string) =>
  db.selectFrom('billing_users').select('can_pay').where('id', '=', userId).where('account_id', '=', accountId),
);

/** The account's flags that decide whether it may order at all (billing README: identity verification, MNA authorisation); undefined for no such account. */
export async function readAccountFlags(db: Kysely<Database>, accountId: string): Promise<AccountFlags | undefined> {
  return (await accountFlags(db, accountId))[0];
}

/** 1 or 0 each, as the accounts table keeps them. */
export interface AccountFlags {
  readonly identity_verified: number;
  readonly mna_authorized: number;
}

/**
 * Throws StoreRefusal<PaymentRefusal> UnauthorizedUser when the account has not verified its
 * identity, NotAllowedToPay when the payer is a sub-user without payment permission (or not the
 * account's). payAtomically checks it too, unless told the caller did; an action calls it first to
 * refuse before its own checks, passing the account's flags when it has read them already.
 */
export async function checkPayer(db: Kysely<Database>, payer: Payer, account?: AccountFlags): Promise<void> {
  const flags = account ?? (await readAccountFlags(db, payer.accountId));
  if (flags?.identity_verified !== 1) throw new StoreRefusal<PaymentRefusal>('UnauthorizedUser', `account ${payer.accountId} has not verified its identity`);
  if (payer.userId === null) return;
  const [user] = await subUserCanPay(db, payer.userId, payer.accountId);
  if (user?.can_pay !== 1) throw new StoreRefusal<PaymentRefusal>('NotAllowedToPay', `sub-user ${payer.userId} has no payment permission`);
}

async function chooseVoucher(db: Kysely<Database>, order: Order): Promise<VoucherRow | undefined> {
  const choice = order.voucher;
  if (choice === undefined) return undefined;
  let query = db.selectFrom('billing_vouchers').selectAll().where('account_id', '=', order.payer.accountId).where('expires_at', '>', order.now).where('remaining', '>', 0);
  if ('id' in choice) query = query.where('id', '=', choice.id);
  return pickVoucher(await query.execute(), order.amount, order.now);
}

/** Draws `amount` from the voucher if it still has it and has not expired: exactly one row, or the write is refused. */
function voucherDeduction(db: Kysely<Database>, voucherId: string, accountId: string, amount: number, now: number): GuardedStatement {
  const query = db
    .updateTable('billing_vouchers')
    .set((eb) => ({ remaining: eb('remaining', '-', amount) }))
    .where('id', '=', voucherId)
    .where('account_id', '=', accountId)
    .where('remaining', '>=', amount)
    .where('expires_at', '>', now);
  return { query: query.compile(), expectedChanges: 1 };
}
