/** Tables of billing: one balance row per account and its append-only ledger. Money in fen (0.01 CNY). */
declare module '../storage/schema.ts' {
  interface Database {
    billing_balances: BalanceRow;
    billing_ledger: LedgerRow;
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

/** What moved the money: a manual credit or debit today; orders, vouchers and refunds add kinds. */
export type LedgerKind = 'credit' | 'debit';

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
}
