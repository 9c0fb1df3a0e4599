import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { AccountRow } from './tables.ts';

export interface Account {
  readonly id: string;
  readonly name: string;
  readonly status: AccountRow['status'];
  readonly createdAt: number;
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

const toAccount = (row: AccountRow): Account => ({ id: row.id, name: row.name, status: row.status, createdAt: row.created_at });

/** Creates an account with a fresh 12-digit id shaped like a cloud account UIN, or the one pinned (fixtures). */
export async function createAccount(db: Kysely<Database>, name: string, now: number, pinnedId?: string): Promise<Account> {
  for (;;) {
    const row: AccountRow = { id: pinnedId ?? String(randomInt(100_000_000_000, 999_999_999_999)), name, status: 'active', created_at: now };
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

export async function countAccounts(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
