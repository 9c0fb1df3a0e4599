import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { Store } from '../storage/database.ts';
import { StoreRefusal } from '../storage/store-refusal.ts';
import { unmetStatement } from '../storage/atomic-write.ts';

/** One item of the price list: what an order of it costs, in fen. */
export interface Price {
  readonly item: string;
  readonly amount: number;
  readonly updatedAt: number;
}

/** Why a price change was refused: it names an item the list does not have, or an amount that is not a positive whole number of fen. */
export type PriceRefusal = 'UnknownItem' | 'InvalidAmount';

/** The price of one item, in fen. The list holds every item a product charges for (migration 0009 inserts the defaults), so an unknown item is a bug: it throws. */
export async function priceOf(db: Kysely<Database>, item: string): Promise<number> {
  const row = await db.selectFrom('billing_prices').select('amount').where('item', '=', item).executeTakeFirst();
  if (!row) throw new Error(`the price list has no item ${item}`);
  return row.amount;
}

/** The whole price list, by item name. */
export async function listPrices(db: Kysely<Database>): Promise<Price[]> {
  const rows = await db.selectFrom('billing_prices').selectAll().orderBy('item').execute();
  return rows.map((row) => ({ item: row.item, amount: row.amount, updatedAt: row.updated_at }));
}

/**
 * Sets the prices of existing items, all or none: an unknown item or an amount that is not a
 * positive safe integer refuses the whole change (StoreRefusal<PriceRefusal>).
 */
export async function setPrices(store: Store, prices: Readonly<Record<string, number>>, now: number): Promise<Price[]> {
  const entries = Object.entries(prices);
  for (const [item, amount] of entries) {
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new StoreRefusal<PriceRefusal>('InvalidAmount', `the price of ${item} must be a positive whole number of fen`);
  }
  const statements = entries.map(([item, amount]) => ({
    query: store.db.updateTable('billing_prices').set({ amount, updated_at: now }).where('item', '=', item).compile(),
    expectedChanges: 1,
  }));
  try {
    await store.writeAtomically(statements);
  } catch (error) {
    const failed = unmetStatement(error);
    if (failed === undefined) throw error;
    throw new StoreRefusal<PriceRefusal>('UnknownItem', `the price list has no item ${entries[failed]![0]}`);
  }
  return listPrices(store.db);
}
