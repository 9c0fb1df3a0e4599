import { sql, type Kysely, type QueryCreator } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { Store } from '../storage/database.ts';
import { isUnmetExpectation, type GuardedStatement } from '../storage/atomic-write.ts';
import { preparedQuery } from '../storage/prepared-query.ts';
import { isSqlite } from '../storage/query-helpers.ts';
import { lowerAlphanumericRuns } from '../core/ids.ts';
import type { LedgerKind, LedgerRow } from './tables.ts';
import { readKeysetPage, type Keyed, type KeysetPage } from '../storage/keyset.ts';

/** Balances are kept in fen (0.01 CNY); the admin API and CLI say so with this currency code. */
export const CURRENCY = 'CNY';

/** The longest note a ledger entry keeps. */
export const MAX_NOTE_LENGTH = 256;

export interface LedgerEntry {
  readonly id: string;
  readonly accountId: string;
  readonly seq: number;
  readonly kind: LedgerKind;
  /** Signed fen: positive credits, negative debits. */
  readonly amount: number;
  readonly balanceAfter: number;
  readonly requestId: string | null;
  readonly note: string | null;
  readonly resource: string | null;
  readonly createdAt: number;
  readonly action: string | null;
  readonly deviceId: string | null;
  readonly voucherId: string | null;
}

/** One movement of an account's money, as a product's paying action or an operator records it. */
export interface Movement {
  readonly accountId: string;
  readonly kind: LedgerKind;
  /** Signed fen, non-zero. */
  readonly amount: number;
  readonly now: number;
  readonly requestId?: string;
  readonly note?: string;
  readonly resource?: string;
  /** The cloud action that moved the money, the device it was for, the voucher a `voucher` entry drew on. */
  readonly action?: string;
  readonly deviceId?: string;
  readonly voucherId?: string;
}

/** A movement refused before it touched the database: not an amount, or a note that cannot be kept. */
export class InvalidMovement extends Error {
  readonly code: 'InvalidAmount' | 'InvalidNote';
  constructor(
    readonly field: 'amount' | 'note',
    message: string,
  ) {
    super(message);
    this.code = field === 'amount' ? 'InvalidAmount' : 'InvalidNote';
  }
}

/** A debit larger than the balance: nothing was written. */
export class InsufficientBalance extends Error {
  readonly code = 'InsufficientBalance';
  constructor(
    readonly accountId: string,
    readonly balance: number,
    readonly debit: number,
  ) {
    super(`account ${accountId} has a balance of ${balance} fen, too little for a debit of ${debit} fen`);
  }
}

/** A credit that would take the balance past the largest amount kept exactly (2^53 - 1 fen). */
export class BalanceLimitExceeded extends Error {
  readonly code = 'BalanceLimitExceeded';
  constructor(accountId: string, balance: number, credit: number) {
    super(`account ${accountId} has a balance of ${balance} fen; a credit of ${credit} fen would exceed ${Number.MAX_SAFE_INTEGER} fen`);
  }
}

/** Money is a non-zero whole number of fen that JavaScript and both databases hold exactly. */
export function checkAmount(amount: unknown): asserts amount is number {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount === 0) {
    throw new InvalidMovement('amount', `amount must be a non-zero whole number of fen between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`);
  }
}

// PostgreSQL refuses NUL in text; other control characters would garble the CLI's tables.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

function checkNote(note: string | undefined): void {
  if (note === undefined) return;
  if (note.length > MAX_NOTE_LENGTH) throw new InvalidMovement('note', `note must be at most ${MAX_NOTE_LENGTH} characters`);
  if (CONTROL_CHARACTER.test(note)) throw new InvalidMovement('note', 'note must not contain control characters');
}

// Casts: PostgreSQL cannot infer a parameter's type from the column an INSERT … SELECT fills.
const bigint = (value: number) => sql<number>`cast(${value} as bigint)`;
const text = (value: string | null) => sql<string | null>`cast(${value} as text)`;

// Every order runs these: compiled once (see prepared-query.ts), not built anew per movement.
const ensureBalanceRow = preparedQuery((db: Kysely<Database>, accountId: string, now: number) =>
  db.insertInto('billing_balances').values({ account_id: accountId, balance: 0, entries: 0, updated_at: now }).onConflict((oc) => oc.column('account_id').doNothing()),
);
/** Moves the balance by `amount` if the result stays at or above `limit` (a debit, limit 0) or at or below it (a credit, limit 2^53 - 1). */
const balanceUpdate = (qc: QueryCreator<Database>, bound: '>=' | '<=', amount: number, now: number, accountId: string, limit: number) =>
  qc
    .updateTable('billing_balances')
    .set((eb) => ({ balance: eb('balance', '+', amount), entries: eb('entries', '+', 1), updated_at: now }))
    .where('account_id', '=', accountId)
    .where((eb) => eb(eb('balance', '+', amount), bound, limit));
const moveBalance = (bound: '>=' | '<=') =>
  preparedQuery((db: Kysely<Database>, amount: number, now: number, accountId: string, limit: number) => balanceUpdate(db, bound, amount, now, accountId, limit));
const debitBalance = moveBalance('>=');
const creditBalance = moveBalance('<=');
/** The ledger entry's own columns, after its account, sequence number and balance. */
type EntryArgs = [entryId: string, kind: string, amount: number, requestId: string | null, note: string | null, resource: string | null, now: number, action: string | null, deviceId: string | null, voucherId: string | null];
const ENTRY_COLUMNS = ['id', 'account_id', 'seq', 'kind', 'amount', 'balance_after', 'request_id', 'note', 'resource', 'created_at', 'action', 'device_id', 'voucher_id'] as const;
/** The entry's row from a balance row just moved: its account, its count of entries as seq, its balance after. */
const entryColumns = (...[entryId, kind, amount, requestId, note, resource, now, action, deviceId, voucherId]: EntryArgs) =>
  [
    text(entryId).as('id'),
    'account_id',
    'entries',
    text(kind).as('kind'),
    bigint(amount).as('amount'),
    'balance',
    text(requestId).as('request_id'),
    text(note).as('note'),
    text(resource).as('resource'),
    bigint(now).as('created_at'),
    text(action).as('action'),
    text(deviceId).as('device_id'),
    text(voucherId).as('voucher_id'),
  ] as const;
const appendEntry = preparedQuery((db: Kysely<Database>, accountId: string, ...entry: EntryArgs) =>
  db.insertInto('billing_ledger').columns(ENTRY_COLUMNS).expression(db.selectFrom('billing_balances').select(entryColumns(...entry)).where('account_id', '=', accountId)),
);
/**
 * PostgreSQL only: the balance update and the entry it produced in one statement (SQLite has no
 * UPDATE in a WITH), so a paying transaction holds the balance row's lock one round trip less.
 */
const moveAndAppend = (bound: '>=' | '<=') =>
  preparedQuery((db: Kysely<Database>, amount: number, now: number, accountId: string, limit: number, ...entry: EntryArgs) =>
    db
      .with('moved', (qb) => balanceUpdate(qb, bound, amount, now, accountId, limit).returning(['account_id', 'entries', 'balance']))
      .insertInto('billing_ledger')
      .columns(ENTRY_COLUMNS)
      .expression((eb) => eb.selectFrom('moved').select(entryColumns(...entry))),
  );
const debitAndAppend = moveAndAppend('>=');
const creditAndAppend = moveAndAppend('<=');

/** A movement as guarded statements, and which of them refuses it when the balance would leave 0 … 2^53 - 1. */
export interface MovementStatements {
  readonly statements: GuardedStatement[];
  /** The index of the guarded balance update within statements. */
  readonly guard: number;
}

/**
 * The statements that record one movement: a credit first makes sure the balance row exists;
 * then the balance moves only if it stays within 0 … 2^53 - 1 (exactly one row changes, or the
 * whole write is refused: statement `guard`), and the ledger entry is appended with the balance
 * and sequence number that update produced (on PostgreSQL by the same statement). A debit needs
 * no row made first: without one the balance is 0, too low for any debit, and the guard refuses
 * it as it would a row holding 0. A paying action appends them to its own atomic write, so its
 * charge and its effect commit together. Concurrent movements of one account serialise on the
 * balance row.
 */
export function movementStatements(db: Kysely<Database>, movement: Movement, entryId: string): MovementStatements {
  const { accountId, kind, amount, now, requestId = null, note = null, resource = null, action = null, deviceId = null, voucherId = null } = movement;
  const entry: EntryArgs = [entryId, kind, amount, requestId, note, resource, now, action, deviceId, voucherId];
  const limit = amount < 0 ? 0 : Number.MAX_SAFE_INTEGER;
  const statements: GuardedStatement[] = amount < 0 ? [] : [{ query: ensureBalanceRow.compile(db, accountId, now) }];
  const guard = statements.length;
  if (isSqlite(db)) {
    statements.push(
      { query: (amount < 0 ? debitBalance : creditBalance).compile(db, amount, now, accountId, limit), expectedChanges: 1 },
      { query: appendEntry.compile(db, accountId, ...entry), expectedChanges: 1 },
    );
  } else {
    statements.push({ query: (amount < 0 ? debitAndAppend : creditAndAppend).compile(db, amount, now, accountId, limit, ...entry), expectedChanges: 1 });
  }
  return { statements, guard };
}

// Entries are appended all the time: 13 random characters shared by a run of 46,656 (three
// counting characters), so that consecutive entries share the pages of the id index, where random
// ids would make every entry write a page of its own at the commit.
const entrySuffix = lowerAlphanumericRuns(16, 3);

/** A fresh ledger entry id: `le-` and 16 lowercase alphanumerics. */
export const newEntryId = (): string => `le-${entrySuffix()}`;

/**
 * Records one movement atomically and returns the entry it appended (whose balanceAfter is the
 * new balance). Throws InvalidMovement, InsufficientBalance or BalanceLimitExceeded, having
 * written nothing. The account must exist.
 */
export async function recordMovement(store: Store, movement: Movement): Promise<LedgerEntry> {
  checkAmount(movement.amount);
  checkNote(movement.note);
  const entryId = newEntryId();
  try {
    await store.writeAtomically(movementStatements(store.db, movement, entryId).statements);
  } catch (error) {
    if (!isUnmetExpectation(error)) throw error;
    const current = await balance(store.db, movement.accountId);
    if (movement.amount < 0) throw new InsufficientBalance(movement.accountId, current, -movement.amount);
    throw new BalanceLimitExceeded(movement.accountId, current, movement.amount);
  }
  const row = await store.db.selectFrom('billing_ledger').selectAll().where('id', '=', entryId).executeTakeFirstOrThrow();
  return toEntry(row);
}

/** An operator's credit (positive amount) or debit (negative amount), with an optional note. */
export function credit(store: Store, accountId: string, amount: number, note: string | undefined, now: number): Promise<LedgerEntry> {
  return recordMovement(store, { accountId, kind: amount < 0 ? 'debit' : 'credit', amount, note, now });
}

/** The account's balance in fen: 0 before its first movement. */
export async function balance(db: Kysely<Database>, accountId: string): Promise<number> {
  const row = await db.selectFrom('billing_balances').select('balance').where('account_id', '=', accountId).executeTakeFirst();
  return row?.balance ?? 0;
}

export interface LedgerPage {
  readonly entries: LedgerEntry[];
  /** How many entries the account has in all. */
  readonly total: number;
}

/** The account's ledger, newest entry first. */
export async function ledger(db: Kysely<Database>, accountId: string, page: { readonly offset: number; readonly limit: number }): Promise<LedgerPage> {
  const [rows, counted] = await Promise.all([
    db.selectFrom('billing_ledger').selectAll().where('account_id', '=', accountId).orderBy('seq', 'desc').offset(page.offset).limit(page.limit).execute(),
    db.selectFrom('billing_balances').select('entries').where('account_id', '=', accountId).executeTakeFirst(),
  ]);
  return { entries: rows.map(toEntry), total: counted?.entries ?? 0 };
}

const toEntry = (row: LedgerRow): LedgerEntry => ({
  id: row.id,
  accountId: row.account_id,
  seq: row.seq,
  kind: row.kind,
  amount: row.amount,
  balanceAfter: row.balance_after,
  requestId: row.request_id,
  note: row.note,
  resource: row.resource,
  createdAt: row.created_at,
  action: row.action,
  deviceId: row.device_id,
  voucherId: row.voucher_id,
});

export interface LedgerFilter {
  readonly kind?: LedgerKind | undefined;
  /** Entries made at or after this instant (epoch ms). */
  readonly from?: number | undefined;
  /** Entries made before this instant. */
  readonly to?: number | undefined;
}

/** One page of the account's ledger, newest entry first (by seq, the account's unique order), optionally of one kind and period. */
export async function ledgerPage(db: Kysely<Database>, accountId: string, filter: LedgerFilter, page: KeysetPage): Promise<Keyed<LedgerEntry>> {
  const query = db
    .selectFrom('billing_ledger')
    .selectAll()
    .where('account_id', '=', accountId)
    .$if(filter.kind !== undefined, (q) => q.where('kind', '=', filter.kind!))
    .$if(filter.from !== undefined, (q) => q.where('created_at', '>=', filter.from!))
    .$if(filter.to !== undefined, (q) => q.where('created_at', '<', filter.to!));
  const found = await readKeysetPage(query, { columns: ['seq'], direction: 'desc', position: (row) => [row.seq] }, page);
  return { rows: found.rows.map(toEntry), next: found.next };
}
