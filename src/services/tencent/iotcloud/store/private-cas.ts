import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';
import type { IotcloudPrivateCaRow } from '../tables.ts';
import { isForeignKeyViolation } from '../../../../storage/constraints.ts';
import { StoreRefusal } from '../../../../storage/store-refusal.ts';
import { brokenUniqueRule } from './constraints.ts';
import { ensureAccount } from './accounts.ts';

/** Private CA certificates per account (LimitExceeded.CACertLimit); the docs give no figure, this is Fleetgate's. */
export const MAX_PRIVATE_CAS_PER_ACCOUNT = 100;

export type PrivateCaRow = Selectable<IotcloudPrivateCaRow>;

/** The certificate facts of a CA row (everything but the account, name and creation time). */
export type CaCertificate = Omit<PrivateCaRow, 'account_id' | 'cert_name' | 'created_at'>;

/** Why a CA could not be stored: the quota, its name, or the same certificate under another name. */
export type PrivateCaRefusal = StoreRefusal<'quota' | 'name-taken' | 'cert-taken'>;

function refusalOf(error: unknown): PrivateCaRefusal | undefined {
  const rule = brokenUniqueRule(error);
  if (rule === 'iotcloud_private_cas_pk') return new StoreRefusal('name-taken');
  if (rule === 'iotcloud_private_cas_cert_unique') return new StoreRefusal('cert-taken');
  return undefined;
}

/** Stores a CA; the account's CA counter is raised in the same transaction, so concurrent uploads never pass the quota. Throws a PrivateCaRefusal. */
export async function createPrivateCa(db: Kysely<Database>, accountId: string, certName: string, cert: CaCertificate, now: number): Promise<void> {
  await ensureAccount(db, accountId, now);
  try {
    await db.transaction().execute(async (tx) => {
      const counted = await tx
        .updateTable('iotcloud_accounts')
        .set((eb) => ({ private_ca_count: eb('private_ca_count', '+', 1) }))
        .where('account_id', '=', accountId)
        .where('private_ca_count', '<', MAX_PRIVATE_CAS_PER_ACCOUNT)
        .executeTakeFirst();
      if (counted.numUpdatedRows === 0n) throw new StoreRefusal('quota');
      await tx.insertInto('iotcloud_private_cas').values({ ...cert, account_id: accountId, cert_name: certName, created_at: now }).execute();
    });
  } catch (error) {
    throw refusalOf(error) ?? error;
  }
}

/** Replaces a CA's certificate; false when the account has no CA of that name. Throws StoreRefusal('cert-taken'). */
export async function replacePrivateCa(db: Kysely<Database>, accountId: string, certName: string, cert: CaCertificate): Promise<boolean> {
  try {
    const result = await db.updateTable('iotcloud_private_cas').set(cert).where('account_id', '=', accountId).where('cert_name', '=', certName).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  } catch (error) {
    throw refusalOf(error) ?? error;
  }
}

export async function findPrivateCa(db: Kysely<Database>, accountId: string, certName: string): Promise<PrivateCaRow | undefined> {
  return db.selectFrom('iotcloud_private_cas').selectAll().where('account_id', '=', accountId).where('cert_name', '=', certName).executeTakeFirst();
}

/** Every CA of the account, oldest first. */
export async function listPrivateCas(db: Kysely<Database>, accountId: string): Promise<PrivateCaRow[]> {
  return db.selectFrom('iotcloud_private_cas').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('cert_name').execute();
}

/**
 * Deletes a CA no product is bound to, giving its place back to the quota; false when there is
 * none. The products' foreign key refuses the delete if a product binds it meanwhile. Throws
 * StoreRefusal('bound').
 */
export async function deletePrivateCa(db: Kysely<Database>, accountId: string, certName: string): Promise<boolean> {
  try {
    return await db.transaction().execute(async (tx) => {
      const bound = await tx.selectFrom('iotcloud_products').select('product_id').where('account_id', '=', accountId).where('private_ca_name', '=', certName).executeTakeFirst();
      if (bound) throw new StoreRefusal('bound');
      const deleted = await tx.deleteFrom('iotcloud_private_cas').where('account_id', '=', accountId).where('cert_name', '=', certName).executeTakeFirst();
      if (deleted.numDeletedRows === 0n) return false;
      await tx
        .updateTable('iotcloud_accounts')
        .set((eb) => ({ private_ca_count: eb('private_ca_count', '-', 1) }))
        .where('account_id', '=', accountId)
        .execute();
      return true;
    });
  } catch (error) {
    throw isForeignKeyViolation(error) ? new StoreRefusal('bound') : error;
  }
}
