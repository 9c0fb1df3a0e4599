import type { Kysely } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';
import { isUniqueViolation } from '../../../../storage/constraints.ts';
import { defaultInstanceId, newEnterpriseInstanceId } from '../ids.ts';

/** An Enterprise instance as the admin API and CLI show it. */
export interface IotInstance {
  readonly id: string;
  readonly accountId: string;
  readonly productCount: number;
  readonly createdAt: number;
}

/**
 * The instance a request addresses: the account's default one when IotInstanceId is absent,
 * otherwise the account's Enterprise instance of that id; undefined when the account has none.
 */
export async function findInstanceId(db: Kysely<Database>, accountId: string, iotInstanceId: string | undefined): Promise<string | undefined> {
  if (iotInstanceId === undefined) return defaultInstanceId(accountId);
  const row = await db
    .selectFrom('iot_instances')
    .select('id')
    .where('id', '=', iotInstanceId)
    .where('account_id', '=', accountId)
    .where('kind', '=', 'enterprise')
    .executeTakeFirst();
  return row?.id;
}

/** The default instance row exists from the account's first product on; creating it twice is a no-op. */
export async function ensureDefaultInstance(db: Kysely<Database>, accountId: string, now: number): Promise<void> {
  await db
    .insertInto('iot_instances')
    .values({ id: defaultInstanceId(accountId), account_id: accountId, kind: 'default', product_count: 0, created_at: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** Creates an Enterprise instance for an account that exists. */
export async function createEnterpriseInstance(db: Kysely<Database>, accountId: string, now: number): Promise<IotInstance> {
  for (;;) {
    const id = newEnterpriseInstanceId();
    try {
      await db.insertInto('iot_instances').values({ id, account_id: accountId, kind: 'enterprise', product_count: 0, created_at: now }).execute();
      return { id, accountId, productCount: 0, createdAt: now };
    } catch (error) {
      // Only the id can collide: draw another.
      if (!isUniqueViolation(error)) throw error;
    }
  }
}

/** Enterprise instances, oldest first: one account's, or every account's for the operator. */
export async function listEnterpriseInstances(db: Kysely<Database>, accountId: string | undefined): Promise<IotInstance[]> {
  let query = db.selectFrom('iot_instances').select(['id', 'account_id', 'product_count', 'created_at']).where('kind', '=', 'enterprise');
  if (accountId !== undefined) query = query.where('account_id', '=', accountId);
  const rows = await query.orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, accountId: r.account_id, productCount: r.product_count, createdAt: r.created_at }));
}
