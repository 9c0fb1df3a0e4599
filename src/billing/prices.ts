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

/**
 * How long a process keeps the price list it read. Every order reads a price, and prices change
 * rarely: setPrices through this process drops the copy at once, and a change made by another
 * node or a CLI command is seen within this time (an order paying meanwhile pays the price it
 * read, as an order that read just before the change would).
 */
export const PRICE_CACHE_MS = 1000;

const cachedLists = new WeakMap<Kysely<Database>, { readonly prices: Promise<Map<string, number>>; readonly readAt: number }>();

/** The price of one item, in fen. The list holds every item a product charges for (migration 0009 inserts the defaults), so an unknown item is a bug: it throws. */
export async function priceOf(db: Kysely<Database>, item: string): Promise<number> {
  const amount = (await priceList(db)).get(item);
  if (amount === undefined) throw new Error(`the price list has no item ${item}`);
  return amount;
}

/** The price list by item, read at most PRICE_CACHE_MS ago (real time: the emulator clock does not age it). */
function priceList(db: Kysely<Database>): Promise<Map<string, number>> {
  const cached = cachedLists.get(db);
  if (cached && performance.now() - cached.readAt < PRICE_CACHE_MS) return cached.prices;
  const prices = db
    .selectFrom('billing_prices')
    .select(['item', 'amount'])
    .execute()
    .then((rows) => new Map(rows.map((row) => [row.item, row.amount])));
  cachedLists.set(db, { prices, readAt: performance.now() });
  // A failed read is not kept: the next order reads again.
  prices.catch(() => cachedLists.delete(db));
  return prices;
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
  } finally {
    cachedLists.delete(store.db);
  }
  return listPrices(store.db);
}
