import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';
import type { IotcloudPrivateCaRow } from '../tables.ts';

export type PrivateCaRow = Selectable<IotcloudPrivateCaRow>;

export async function findPrivateCa(db: Kysely<Database>, accountId: string, certName: string): Promise<PrivateCaRow | undefined> {
  return db.selectFrom('iotcloud_private_cas').selectAll().where('account_id', '=', accountId).where('cert_name', '=', certName).executeTakeFirst();
}
