import type { Kysely } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';

/**
 * True when the device is bound to a traffic package in effect at `now`: OrderPerLicense's
 * RollBack then keeps the device ("If the device is bound to a currently effective traffic
 * package, rollback is not allowed"). Traffic packages are sold by OrderFlowPackage; until the
 * account has bought one, no device is bound to any, which is what this answers. OrderFlowPackage's
 * store replaces the body with the query on its package tables, keeping this signature.
 */
export async function boundToEffectivePackage(_db: Kysely<Database>, _accountId: string, _deviceId: string, _now: number): Promise<boolean> {
  return false;
}
