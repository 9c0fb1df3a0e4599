import type { Kysely } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';

/**
 * True when the device is bound to a traffic package in effect at `now` (bought, not expired;
 * any region): OrderPerLicense's RollBack then keeps the device ("If the device is bound to a
 * currently effective traffic package, rollback is not allowed").
 */
export async function boundToEffectivePackage(db: Kysely<Database>, accountId: string, deviceId: string, now: number): Promise<boolean> {
  const row = await db
    .selectFrom('mna_flow_package_claims as c')
    .innerJoin('mna_flow_packages as p', 'p.resource_id', 'c.resource_id')
    .select('c.resource_id')
    .where('c.account_id', '=', accountId)
    .where('c.device_id', '=', deviceId)
    .where('p.active_at', '<=', now)
    .where('p.expire_at', '>=', now)
    .executeTakeFirst();
  return row !== undefined;
}
