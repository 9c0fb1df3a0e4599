import { randomInt } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { AccountRow } from './tables.ts';
import { readKeysetPage, startsWith, type Keyed, type KeysetPage } from '../storage/keyset.ts';

export interface Account {
  readonly id: string;
  readonly name: string;
  readonly status: AccountRow['status'];
  readonly createdAt: number;
  /** Paying actions answer OperationDenied.UnauthorizedUser while this is false. */
  readonly identityVerified: boolean;
  /** MNA's paying actions answer UnauthorizedOperation.NoPermission while this is false. */
  readonly mnaAuthorized: boolean;
}

export class AccountNameTaken extends Error {
  constructor(name: string) {
    super(`an account named "${name}" already exists`);
  }
}

export class AccountIdTaken extends Error {
  constructor(id: string) {
    super(`account id ${id} is already in use`);
  }
}

const toAccount = (row: Selectable<AccountRow>): Account => ({
  id: row.id,
  name: row.name,
  status: row.status,
  createdAt: row.created_at,
  identityVerified: row.identity_verified === 1,
  mnaAuthorized: row.mna_authorized === 1,
});

export interface AccountFlags {
  readonly identityVerified?: boolean;
  readonly mnaAuthorized?: boolean;
}

/**
 * Creates an account with a fresh 12-digit id shaped like a cloud account UIN, or the one pinned
 * (fixtures), and its flags (fixtures; both on when not given).
 */
export async function createAccount(db: Kysely<Database>, name: string, now: number, pinnedId?: string, flags: AccountFlags = {}): Promise<Account> {
  for (;;) {
    // New accounts are verified and authorised, so the quick start can pay at once.
    const row: Selectable<AccountRow> = {
      id: pinnedId ?? String(randomInt(100_000_000_000, 999_999_999_999)),
      name,
      status: 'active',
      created_at: now,
      identity_verified: flags.identityVerified === false ? 0 : 1,
      mna_authorized: flags.mnaAuthorized === false ? 0 : 1,
    };
    // ON CONFLICT keeps a PostgreSQL transaction usable, so we can ask which constraint was hit.
    const inserted = await db.insertInto('accounts').values(row).onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst();
    if (inserted) return toAccount(row);
    const taken = await db.selectFrom('accounts').select('id').where('name', '=', name).executeTakeFirst();
    if (taken) throw new AccountNameTaken(name);
    if (pinnedId !== undefined) throw new AccountIdTaken(pinnedId);
    // Otherwise the random id collided: draw another.
  }
}

export async function listAccounts(db: Kysely<Database>): Promise<Account[]> {
  const rows = await db.selectFrom('accounts').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toAccount);
}

export async function findAccountByName(db: Kysely<Database>, name: string): Promise<Account | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('name', '=', name).executeTakeFirst();
  return row && toAccount(row);
}

export async function findAccount(db: Kysely<Database>, accountId: string): Promise<Account | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
  return row && toAccount(row);
}

export async function setAccountStatus(db: Kysely<Database>, accountId: string, status: AccountRow['status']): Promise<boolean> {
  const result = await db.updateTable('accounts').set({ status }).where('id', '=', accountId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Turns the account's identity-verification and MNA-authorisation flags on or off; false if there is no such account. */
export async function setAccountFlags(db: Kysely<Database>, accountId: string, flags: AccountFlags): Promise<boolean> {
  const bit = (flag: boolean | undefined) => (flag === undefined ? undefined : flag ? 1 : 0);
  const result = await db
    .updateTable('accounts')
    .set({ identity_verified: bit(flags.identityVerified), mna_authorized: bit(flags.mnaAuthorized) })
    .where('id', '=', accountId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function countAccounts(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One page of accounts by name (the unique index), optionally those whose name starts with `prefix` or of one status. */
export async function accountsPage(
  db: Kysely<Database>,
  filter: { readonly prefix?: string | undefined; readonly status?: AccountRow['status'] | undefined },
  page: KeysetPage,
): Promise<Keyed<Account>> {
  const query = db
    .selectFrom('accounts')
    .selectAll()
    .$if(filter.prefix !== undefined, (q) => q.where(startsWith('name', filter.prefix!)))
    .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status!));
  const found = await readKeysetPage(query, { columns: ['name'], direction: 'asc', position: (row) => [row.name] }, page);
  return { rows: found.rows.map(toAccount), next: found.next };
}
