import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { TencentError } from '../../../protocols/tencent/errors.ts';
import { StoreRefusal } from '../../../storage/store-refusal.ts';
import {
  checkPayer,
  payAtomically,
  payerMayPay,
  readAccountFlags,
  type Order,
  type Payer,
  type Payment,
  type PaymentRefusal,
  type VoucherChoice,
} from '../../../billing/payment.ts';
import type { GuardedStatement } from '../../../storage/atomic-write.ts';
import type { ActionContext } from '../../action-context.ts';

/** The error code of each payment refusal, as MNA's paying actions list them. */
const REFUSAL_CODES = {
  UnauthorizedUser: 'OperationDenied.UnauthorizedUser',
  NotAllowedToPay: 'OperationDenied.NotAllowedToPay',
  InsufficientBalance: 'OperationDenied.InsufficientBalance',
  TransactionFailed: 'FailedOperation.TransactionException',
} as const satisfies Record<PaymentRefusal, string>;

/** The caller as payer: its account, and the sub-user whose key signed the request if any. */
export const payerOf = (ctx: ActionContext): Payer => ({ accountId: ctx.accountId, userId: ctx.userId ?? null });

/**
 * AutoVoucher / VoucherIds as the paying actions document them: AutoVoucher picks by the
 * priority rule and makes VoucherIds "invalid"; otherwise the one designated voucher. More than
 * one is InvalidParameter ("Only one voucher can be input").
 */
export function voucherChoice(autoVoucher: boolean | undefined, voucherIds: readonly string[] | undefined): VoucherChoice {
  if (autoVoucher === true) return { auto: true };
  if (voucherIds === undefined || voucherIds.length === 0) return undefined;
  if (voucherIds.length > 1) throw new TencentError('InvalidParameter', { name: 'VoucherIds', detail: 'VoucherIds: only one voucher can be input.' });
  return { id: voucherIds[0]! };
}

/**
 * Refuses a caller who may not order at all, before the action's own checks: the account's MNA
 * service not authorised (UnauthorizedOperation.NoPermission), identity not verified
 * (OperationDenied.UnauthorizedUser), a sub-user without payment permission
 * (OperationDenied.NotAllowedToPay).
 */
export async function checkMayOrder(ctx: ActionContext): Promise<void> {
  const account = await readAccountFlags(ctx.store.db, ctx.accountId);
  if (account?.mna_authorized !== 1) throw new TencentError('UnauthorizedOperation.NoPermission');
  await mapRefusal(() => checkPayer(ctx.store.db, payerOf(ctx), account));
}

/**
 * checkMayOrder's rules as a condition for a guarded statement of payOrder's `unchecked.own`: the account
 * (`accountId`, a value or a column of the row the statement changes) has its MNA service
 * authorised, and may pay (billing's payerMayPay) as the signing sub-user if any (`userId`).
 */
export function mayOrder(accountId: Expression<string>, userId: string | null): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (select 1 from accounts ordering_account where ordering_account.id = ${accountId} and ordering_account.mna_authorized = 1) and ${payerMayPay(accountId, userId)}`;
}

/**
 * Pays an MNA order with the action's own guarded statements in one atomic write (see
 * billing/payment.ts payAtomically), answering the payment refusals with MNA's codes. Without
 * `unchecked` the action has called checkMayOrder first, so the payer is not checked again. With
 * it, nothing was checked: `unchecked.own` guards checkMayOrder's rules (mayOrder) and the
 * action's own checks, and `unchecked.check` makes the action's checks (checkMayOrder first) when
 * one of those guards is unmet. An unmet guard of the action's own statements is passed through
 * for the action to explain (`unmetStatement(error)` is its index in `own(payment)`).
 */
export function payOrder(
  ctx: ActionContext,
  order: Omit<Order, 'payer' | 'requestId'>,
  own: (payment: Payment) => readonly GuardedStatement[],
  unchecked?: { readonly own: (payment: Payment) => readonly GuardedStatement[]; check(): Promise<void> },
): Promise<Payment> {
  // Spelled out, not spread: see movementOf in billing/payment.ts.
  const paid: Order = { amount: order.amount, voucher: order.voucher, action: order.action, resource: order.resource, deviceId: order.deviceId, now: order.now, payer: payerOf(ctx), requestId: ctx.requestId, payerChecked: true };
  return mapRefusal(() => payAtomically(ctx.store, paid, own, unchecked));
}

async function mapRefusal<T>(pay: () => Promise<T>): Promise<T> {
  try {
    return await pay();
  } catch (error) {
    if (error instanceof StoreRefusal && Object.hasOwn(REFUSAL_CODES, error.reason)) {
      throw new TencentError(REFUSAL_CODES[error.reason as PaymentRefusal], { detail: error.message });
    }
    throw error;
  }
}
