import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { lowerAlphanumeric } from '../core/ids.ts';
import { StoreRefusal } from '../storage/store-refusal.ts';
import type { VoucherKind, VoucherRow } from './tables.ts';

export interface Voucher {
  readonly id: string;
  readonly accountId: string;
  readonly kind: VoucherKind;
  readonly faceValue: number;
  readonly remaining: number;
  readonly minOrderAmount: number;
  readonly expiresAt: number;
  readonly note: string | null;
  readonly createdAt: number;
}

export interface NewVoucher {
  readonly accountId: string;
  readonly kind: VoucherKind;
  readonly faceValue: number;
  /** Deduction vouchers only: the smallest order they pay towards. */
  readonly minOrderAmount?: number;
  readonly expiresAt: number;
  readonly note?: string;
  readonly now: number;
  /** A pinned id (fixtures); default a fresh one. */
  readonly id?: string;
}

/** Why a voucher was not issued. */
export type VoucherRefusal = 'InvalidVoucher' | 'VoucherIdTaken';

/** Voucher ids: `v-` and 12 lowercase alphanumerics (the seed's example id is `v-1`). */
export const VOUCHER_ID = /^v-[a-z0-9]+$/;
const MAX_VOUCHER_ID = 64;
const newVoucherId = (): string => `v-${lowerAlphanumeric(12)}`;

/**
 * Issues a voucher to an account: its whole face value remains. Refuses (StoreRefusal
 * 'InvalidVoucher') a face value or minimum that is not a whole number of fen, a minimum on a cash
 * voucher, an expiry that is already past, or a malformed pinned id; a pinned id in use is
 * 'VoucherIdTaken'.
 */
export async function issueVoucher(db: Kysely<Database>, input: NewVoucher): Promise<Voucher> {
  const minimum = input.minOrderAmount ?? 0;
  const refuse = (message: string) => new StoreRefusal<VoucherRefusal>('InvalidVoucher', message);
  if (!Number.isSafeInteger(input.faceValue) || input.faceValue <= 0) throw refuse('faceValue must be a positive whole number of fen');
  if (!Number.isSafeInteger(minimum) || minimum < 0) throw refuse('minOrderAmount must be a whole number of fen, 0 or more');
  if (input.kind === 'cash' && minimum !== 0) throw refuse('a cash voucher has no minimum order amount');
  if (!Number.isSafeInteger(input.expiresAt) || input.expiresAt <= input.now) throw refuse('expiresAt must be in the future');
  if (input.id !== undefined && !(VOUCHER_ID.test(input.id) && input.id.length <= MAX_VOUCHER_ID)) throw refuse(`id must be v- and 1 to ${MAX_VOUCHER_ID - 2} lowercase letters or digits`);
  const row: VoucherRow = {
    id: input.id ?? newVoucherId(),
    account_id: input.accountId,
    kind: input.kind,
    face_value: input.faceValue,
    remaining: input.faceValue,
    min_order_amount: minimum,
    expires_at: input.expiresAt,
    note: input.note ?? null,
    created_at: input.now,
  };
  // ON CONFLICT keeps a PostgreSQL transaction usable; only a pinned id can be taken.
  const inserted = await db.insertInto('billing_vouchers').values(row).onConflict((oc) => oc.column('id').doNothing()).returning('id').executeTakeFirst();
  if (!inserted) throw new StoreRefusal<VoucherRefusal>('VoucherIdTaken', `voucher id ${row.id} is already in use`);
  return toVoucher(row);
}

/** A voucher by id, whatever its account (fixtures check a pinned id with it). */
export async function findVoucher(db: Kysely<Database>, id: string): Promise<Voucher | undefined> {
  const row = await db.selectFrom('billing_vouchers').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toVoucher(row);
}

/** The account's vouchers, spent and expired ones included, newest first. */
export async function listVouchers(db: Kysely<Database>, accountId: string): Promise<Voucher[]> {
  const rows = await db.selectFrom('billing_vouchers').selectAll().where('account_id', '=', accountId).orderBy('created_at', 'desc').orderBy('id').execute();
  return rows.map(toVoucher);
}

const toVoucher = (row: VoucherRow): Voucher => ({
  id: row.id,
  accountId: row.account_id,
  kind: row.kind,
  faceValue: row.face_value,
  remaining: row.remaining,
  minOrderAmount: row.min_order_amount,
  expiresAt: row.expires_at,
  note: row.note,
  createdAt: row.created_at,
});
