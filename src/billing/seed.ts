import { Type, type Static } from '@sinclair/typebox';
import { defineSeedSection, SeedRefused, type SeedContext } from '../emulator/seed/seed-section.ts';
import { ISO_INSTANT } from '../emulator/fault-rules.ts';
import { StoreRefusal } from '../storage/store-refusal.ts';
import { balance, credit, InvalidMovement, MAX_NOTE_LENGTH } from './ledger.ts';
import { findVoucher, issueVoucher, listVouchers, type Voucher } from './vouchers.ts';

const Balance = Type.Object(
  {
    account: Type.String({ minLength: 1, maxLength: 64, description: 'account name' }),
    balance: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'the balance to reach, in fen' }),
    note: Type.Optional(Type.String({ maxLength: MAX_NOTE_LENGTH, description: 'ledger note of the movement (default "seed")' })),
  },
  { additionalProperties: false },
);

const VoucherEntry = Type.Object(
  {
    account: Type.String({ minLength: 1, maxLength: 64, description: 'account name' }),
    id: Type.Optional(Type.String({ pattern: '^v-[a-z0-9]{1,62}$', description: 'pinned voucher id, what VoucherIds names (default: a fresh one)' })),
    kind: Type.Union([Type.Literal('cash'), Type.Literal('deduction')]),
    faceValue: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'fen' }),
    minOrderAmount: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'deduction vouchers: the smallest order they pay towards, in fen' })),
    expiresAt: Type.String({ pattern: ISO_INSTANT.source, description: 'ISO 8601 instant with its offset; usable strictly before' }),
    note: Type.Optional(Type.String({ maxLength: MAX_NOTE_LENGTH })),
  },
  { additionalProperties: false },
);

type VoucherEntry = Static<typeof VoucherEntry>;

/**
 * `billing.balances`: each account's balance, reached by one credit or debit of the difference
 * (so the ledger still adds up to the balance); an account already there is left alone.
 * `billing.vouchers`: vouchers issued by issueVoucher's rules, with a pinned id where given.
 */
export const billingSeed = defineSeedSection({
  key: 'billing',
  schema: Type.Object(
    { balances: Type.Optional(Type.Array(Balance, { maxItems: 10_000 })), vouchers: Type.Optional(Type.Array(VoucherEntry, { maxItems: 10_000 })) },
    { additionalProperties: false },
  ),
  async apply(ctx, { balances = [], vouchers = [] }) {
    let moved = 0;
    for (const [i, entry] of balances.entries()) {
      const path = `billing.balances[${i}]`;
      const accountId = await ctx.accountId(entry.account, path);
      const difference = entry.balance - (await balance(ctx.app.store.db, accountId));
      if (difference === 0) continue;
      try {
        await credit(ctx.app.store, accountId, difference, entry.note ?? 'seed', ctx.app.now());
      } catch (error) {
        if (error instanceof InvalidMovement) throw new SeedRefused(path, error.message);
        throw error;
      }
      moved++;
    }
    for (const [i, entry] of vouchers.entries()) moved += await ensureVoucher(ctx, `billing.vouchers[${i}]`, entry);
    return moved;
  },
});

/**
 * Issues the voucher unless it exists: by its pinned id (refused when that voucher differs), else
 * as a voucher of the account with the same terms. A voucher found is left as it is, spent or not.
 */
async function ensureVoucher(ctx: SeedContext, path: string, entry: VoucherEntry): Promise<number> {
  const { db } = ctx.app.store;
  const accountId = await ctx.accountId(entry.account, path);
  if (Number.isNaN(Date.parse(entry.expiresAt))) throw new SeedRefused(path, `expiresAt ${entry.expiresAt} is not a date-time`);
  const terms = { accountId, kind: entry.kind, faceValue: entry.faceValue, minOrderAmount: entry.minOrderAmount ?? 0, expiresAt: Date.parse(entry.expiresAt), note: entry.note ?? null };
  const sameTerms = (voucher: Voucher) => (Object.keys(terms) as (keyof typeof terms)[]).every((field) => voucher[field] === terms[field]);
  if (entry.id !== undefined) {
    const existing = await findVoucher(db, entry.id);
    if (existing && !sameTerms(existing)) throw new SeedRefused(path, `voucher ${entry.id} exists with other terms or another account`);
    if (existing) return 0;
  } else if ((await listVouchers(db, accountId)).some(sameTerms)) {
    return 0;
  }
  try {
    await issueVoucher(db, { ...terms, note: entry.note, id: entry.id, now: ctx.app.now() });
  } catch (error) {
    if (error instanceof StoreRefusal) throw new SeedRefused(path, error.message);
    throw error;
  }
  return 1;
}
