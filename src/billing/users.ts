import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { SecretBox } from '../core/secret-box.ts';
import { createKey, KeyIdTaken, type NewKey } from '../core/credentials.ts';
import { lowerAlphanumeric } from '../core/ids.ts';
import { isUniqueViolation } from '../storage/constraints.ts';
import { StoreRefusal } from '../storage/store-refusal.ts';
import type { UserRow } from './tables.ts';

/** A sub-user: signs Tencent requests with its own key pair and acts within its parent account. */
export interface SubUser {
  readonly id: string;
  readonly accountId: string;
  readonly name: string;
  /** Without it, every paying action answers OperationDenied.NotAllowedToPay. */
  readonly canPay: boolean;
  readonly createdAt: number;
  /** The ids of its Tencent keys (SecretId), never their secrets. */
  readonly keyIds: readonly string[];
}

/** Why a sub-user change was refused. */
export type UserRefusal = 'UserNameTaken' | 'UserNotFound' | 'KeyIdTaken';

/**
 * Creates a sub-user and its Tencent key pair (or the pinned pairs a fixture gives), in one
 * transaction; the secret is in the answer only. A name is unique within the account
 * (StoreRefusal 'UserNameTaken'); a pinned key id in use is StoreRefusal 'KeyIdTaken'.
 */
export async function createSubUser(
  db: Kysely<Database>,
  secrets: SecretBox,
  input: { readonly accountId: string; readonly name: string; readonly canPay: boolean; readonly now: number; readonly keys?: readonly { readonly keyId: string; readonly secret: string }[] },
): Promise<{ readonly user: SubUser; readonly key: NewKey }> {
  const row: UserRow = { id: `sub-${lowerAlphanumeric(12)}`, account_id: input.accountId, name: input.name, can_pay: input.canPay ? 1 : 0, created_at: input.now };
  return db.transaction().execute(async (tx) => {
    try {
      await tx.insertInto('billing_users').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new StoreRefusal<UserRefusal>('UserNameTaken', `account ${input.accountId} already has a sub-user named "${input.name}"`);
      throw error;
    }
    const keys: NewKey[] = [];
    for (const pinned of input.keys?.length ? input.keys : [undefined]) {
      try {
        keys.push(await createKey(tx, secrets, { accountId: input.accountId, cloud: 'tencent', userId: row.id, keyId: pinned?.keyId, secret: pinned?.secret, now: input.now }));
      } catch (error) {
        if (error instanceof KeyIdTaken) throw new StoreRefusal<UserRefusal>('KeyIdTaken', error.message);
        throw error;
      }
    }
    return { user: toUser(row, keys.map((key) => key.keyId)), key: keys[0]! };
  });
}

/** The account's sub-users, oldest first, with their key ids. */
export async function listSubUsers(db: Kysely<Database>, accountId: string): Promise<SubUser[]> {
  const [rows, keys] = await Promise.all([
    db.selectFrom('billing_users').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('credentials').select(['key_id', 'user_id']).where('account_id', '=', accountId).where('user_id', 'is not', null).orderBy('key_id').execute(),
  ]);
  return rows.map((row) => toUser(row, keys.filter((key) => key.user_id === row.id).map((key) => key.key_id)));
}

/** The account's sub-user of that name, with its key ids. */
export async function findSubUserByName(db: Kysely<Database>, accountId: string, name: string): Promise<SubUser | undefined> {
  const row = await db.selectFrom('billing_users').selectAll().where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst();
  if (!row) return undefined;
  const keys = await db.selectFrom('credentials').select('key_id').where('account_id', '=', accountId).where('user_id', '=', row.id).orderBy('key_id').execute();
  return toUser(row, keys.map((key) => key.key_id));
}

/** Grants or withdraws a sub-user's payment permission (StoreRefusal 'UserNotFound' when the account has no such sub-user). */
export async function setCanPay(db: Kysely<Database>, accountId: string, userId: string, canPay: boolean): Promise<void> {
  const result = await db.updateTable('billing_users').set({ can_pay: canPay ? 1 : 0 }).where('id', '=', userId).where('account_id', '=', accountId).executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new StoreRefusal<UserRefusal>('UserNotFound', `account ${accountId} has no sub-user ${userId}`);
}

const toUser = (row: UserRow, keyIds: readonly string[]): SubUser => ({
  id: row.id,
  accountId: row.account_id,
  name: row.name,
  canPay: row.can_pay === 1,
  createdAt: row.created_at,
  keyIds,
});
