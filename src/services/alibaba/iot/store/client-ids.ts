import type { Kysely } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';
import type { SecretBox } from '../../../../core/secret-box.ts';
import { isForeignKeyViolation } from '../../../../storage/constraints.ts';
import { StoreRefusal } from '../../../../storage/store-refusal.ts';

/**
 * ClientIds of registration-free dynamic registration (MQTT `regnwl`): the device side issues one
 * with its device token, the device connects with both, QueryClientIds lists them and
 * DeleteClientIds revokes them. Tokens are sealed for their (device, ClientId) pair.
 */

const tokenSealingContext = (iotId: string, clientId: string): string => `iot.clientid:${iotId}:${clientId}`;

/** One issued ClientId as QueryClientIds shows it. */
export interface ClientIdEntry {
  readonly clientId: string;
  readonly createdAt: number;
}

/**
 * ClientIds a device may hold at once (registration-free). A new one beyond is refused, never
 * evicting one a device may be connected with; DeleteClientIds frees them.
 */
export const MAX_CLIENT_IDS_PER_DEVICE = 5;

/**
 * Records a ClientId and its device token for a device. Issuing the same ClientId again replaces
 * its token (the latest registration wins). Throws StoreRefusal('device-gone') when the device
 * was deleted meanwhile, StoreRefusal('client-id-limit') when it holds MAX_CLIENT_IDS_PER_DEVICE others.
 */
export async function recordClientId(
  db: Kysely<Database>,
  secrets: SecretBox,
  device: { readonly accountId: string; readonly iotId: string },
  issued: { readonly clientId: string; readonly deviceToken: string },
  now: number,
): Promise<void> {
  const token_sealed = secrets.seal(issued.deviceToken, tokenSealingContext(device.iotId, issued.clientId));
  await db.transaction().execute(async (tx) => {
    // Writing the device row first locks it, so concurrent registrations count one after another.
    const locked = await tx.updateTable('iot_devices').set((eb) => ({ modified_at: eb.ref('modified_at') })).where('iot_id', '=', device.iotId).executeTakeFirst();
    if (locked.numUpdatedRows === 0n) throw new StoreRefusal('device-gone');
    const { others } = await tx
      .selectFrom('iot_client_ids')
      .select((eb) => eb.fn.countAll<number | string>().as('others'))
      .where('iot_id', '=', device.iotId)
      .where('client_id', '!=', issued.clientId)
      .executeTakeFirstOrThrow();
    if (Number(others) >= MAX_CLIENT_IDS_PER_DEVICE) throw new StoreRefusal('client-id-limit');
    await tx
      .insertInto('iot_client_ids')
      .values({ iot_id: device.iotId, client_id: issued.clientId, account_id: device.accountId, token_sealed, created_at: now })
      .onConflict((oc) => oc.columns(['iot_id', 'client_id']).doUpdateSet({ token_sealed, created_at: now }))
      .execute();
  }).catch((error: unknown) => {
    if (isForeignKeyViolation(error)) throw new StoreRefusal('device-gone');
    throw error;
  });
}

/** The device token issued with a device's ClientId, in the clear and as sealed; undefined once revoked or never issued. */
export async function findClientToken(db: Kysely<Database>, secrets: SecretBox, iotId: string, clientId: string): Promise<{ token: string; sealed: string } | undefined> {
  const row = await db.selectFrom('iot_client_ids').select('token_sealed').where('iot_id', '=', iotId).where('client_id', '=', clientId).executeTakeFirst();
  return row && { token: secrets.open(row.token_sealed, tokenSealingContext(iotId, clientId)), sealed: row.token_sealed };
}

/** The account's ClientIds of a device, oldest first. */
export async function listClientIds(db: Kysely<Database>, accountId: string, iotId: string): Promise<ClientIdEntry[]> {
  const rows = await db
    .selectFrom('iot_client_ids')
    .select(['client_id', 'created_at'])
    .where('iot_id', '=', iotId)
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('client_id')
    .execute();
  return rows.map((row) => ({ clientId: row.client_id, createdAt: Number(row.created_at) }));
}

/** Revokes every ClientId of the account's device; how many there were. */
export async function deleteClientIds(db: Kysely<Database>, accountId: string, iotId: string): Promise<number> {
  const deleted = await db.deleteFrom('iot_client_ids').where('iot_id', '=', iotId).where('account_id', '=', accountId).executeTakeFirst();
  return Number(deleted.numDeletedRows);
}
