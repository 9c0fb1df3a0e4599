import type { Kysely } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';
import type { MnaAccountKeyRow } from '../tables.ts';

export async function findAccountKeys(db: Kysely<Database>, accountId: string): Promise<MnaAccountKeyRow | undefined> {
  return db.selectFrom('mna_account_keys').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

/** Creates the account's key row unless a concurrent request already did: the first insert wins. */
export async function insertAccountKeysIfAbsent(db: Kysely<Database>, accountId: string, digestKeySealed: string, now: number): Promise<void> {
  await db
    .insertInto('mna_account_keys')
    .values({ account_id: accountId, digest_key_sealed: digestKeySealed, signing_public_key: null, signing_private_key_sealed: null, preset_key_sealed: null, created_at: now })
    .onConflict((oc) => oc.column('account_id').doNothing())
    .execute();
}

/** Stores a signing key pair only if the account has none yet, so it is generated once. */
export async function setSigningKeyIfAbsent(db: Kysely<Database>, accountId: string, publicKey: string, privateKeySealed: string): Promise<void> {
  await db
    .updateTable('mna_account_keys')
    .set({ signing_public_key: publicKey, signing_private_key_sealed: privateKeySealed })
    .where('account_id', '=', accountId)
    .where('signing_public_key', 'is', null)
    .execute();
}

export async function setPresetKey(db: Kysely<Database>, accountId: string, presetKeySealed: string): Promise<void> {
  await db.updateTable('mna_account_keys').set({ preset_key_sealed: presetKeySealed }).where('account_id', '=', accountId).execute();
}
