/** Tables of billing: balances, their append-only ledger, vouchers, prices and sub-users. Money in fen (0.01 CNY). */
declare module '../storage/schema.ts' {
  interface Database {
    billing_balances: BalanceRow;
    billing_ledger: LedgerRow;
    billing_vouchers: VoucherRow;
    billing_prices: PriceRow;
    billing_users: UserRow;
  }
}

export interface BalanceRow {
  account_id: string;
  /** Never negative; always the sum of the account's ledger amounts. */
  balance: number;
  /** How many ledger entries the account has: the seq of its latest one. */
  entries: number;
  updated_at: number;
}

/**
 * What moved the money: an operator's credit or debit, an order's charge (`order`, negative), the
 * part of an order a voucher paid (`voucher`, positive, entered just before the order's charge),
 * or a refund of an order (positive).
 */
export type LedgerKind = 'credit' | 'debit' | 'order' | 'voucher' | 'refund';

export interface LedgerRow {
  id: string;
  account_id: string;
  /** 1, 2, 3, … per account, in the order the movements committed. */
  seq: number;
  kind: LedgerKind;
  /** Signed: positive credits, negative debits. */
  amount: number;
  balance_after: number;
  request_id: string | null;
  note: string | null;
  resource: string | null;
  created_at: number;
  /** The cloud action that paid (e.g. OrderPerLicense); null for an operator's movement. */
  action: string | null;
  device_id: string | null;
  /** The voucher a `voucher` entry drew on. */
  voucher_id: string | null;
}

/** Cash vouchers pay any order; deduction vouchers only orders of at least their minimum amount. */
export type VoucherKind = 'cash' | 'deduction';

export interface VoucherRow {
  /** `v-` and 12 lowercase alphanumerics. */
  id: string;
  account_id: string;
  kind: VoucherKind;
  face_value: number;
  /** What is left to spend: face_value less every `voucher` ledger entry that drew on it. */
  remaining: number;
  /** 0 for cash vouchers. */
  min_order_amount: number;
  /** Usable strictly before this instant (epoch ms). */
  expires_at: number;
  note: string | null;
  created_at: number;
}

export interface PriceRow {
  /** `<product>.<item>`, e.g. `mna.license.permanent.0` (see README.md). */
  item: string;
  amount: number;
  updated_at: number;
}

export interface UserRow {
  /** `sub-` and 12 lowercase alphanumerics. */
  id: string;
  account_id: string;
  name: string;
  /** 1 when the sub-user may pay for orders, else 0. */
  can_pay: number;
  created_at: number;
}
