import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';
import type { IotcloudAccountRow } from '../tables.ts';

export type AccountRow = Selectable<IotcloudAccountRow>;

/** Creates the account's IoT Hub row unless it exists (a concurrent first write may have made it). */
export async function ensureAccount(db: Kysely<Database>, accountId: string, now: number): Promise<void> {
  await db
    .insertInto('iotcloud_accounts')
    .values({ account_id: accountId, product_count: 0, private_ca_count: 0, ca_cert: null, ca_key_sealed: null, created_at: now })
    .onConflict((oc) => oc.column('account_id').doNothing())
    .execute();
}

export async function findAccount(db: Kysely<Database>, accountId: string): Promise<AccountRow | undefined> {
  return db.selectFrom('iotcloud_accounts').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

/** Stores the account's platform CA only if it has none yet, so concurrent first uses keep one. */
export async function setPlatformCaIfAbsent(db: Kysely<Database>, accountId: string, caCert: string, caKeySealed: string): Promise<void> {
  await db
    .updateTable('iotcloud_accounts')
    .set({ ca_cert: caCert, ca_key_sealed: caKeySealed })
    .where('account_id', '=', accountId)
    .where('ca_cert', 'is', null)
    .execute();
}
