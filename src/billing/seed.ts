import { Type } from '@sinclair/typebox';
import { defineSeedSection, SeedRefused } from '../emulator/seed/seed-section.ts';
import { balance, credit, InvalidMovement, MAX_NOTE_LENGTH } from './ledger.ts';
import { DEFAULT_PRICES } from '../storage/migrations/0009_billing_licensing.ts';

const Balance = Type.Object(
  {
    account: Type.String({ minLength: 1, maxLength: 64, description: 'account name' }),
    balance: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'the balance to reach, in fen' }),
    note: Type.Optional(Type.String({ maxLength: MAX_NOTE_LENGTH, description: 'ledger note of the movement (default "seed")' })),
  },
  { additionalProperties: false },
);

/**
 * `billing.balances`: each account's balance, reached by one credit or debit of the difference
 * (so the ledger still adds up to the balance); an account already there is left alone.
 */
export const billingSeed = defineSeedSection({
  key: 'billing',
  schema: Type.Object({ balances: Type.Optional(Type.Array(Balance, { maxItems: 10_000 })) }, { additionalProperties: false }),
  async apply(ctx, { balances = [] }) {
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
    return moved;
  },
  // The price list is reference data migration 0009 inserted: a full reset restores its defaults.
  baseline: (db) => [db.insertInto('billing_prices').values(Object.entries(DEFAULT_PRICES).map(([item, amount]) => ({ item, amount, updated_at: 0 }))).compile()],
  // Sub-users' keys live in `credentials`, which an account reset keeps for the account's own keys.
  detachAccount: (db, accountId) => [db.deleteFrom('credentials').where('account_id', '=', accountId).where('user_id', 'is not', null).compile()],
});
