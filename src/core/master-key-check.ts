import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { SecretBox } from './secret-box.ts';

const SETTING = 'master_key_check';
const MARKER = 'fleetgate master key check';
const AAD = `core_settings:${SETTING}`;

export class MasterKeyMismatch extends Error {
  constructor() {
    super(
      'this database was set up under another master key: its secrets cannot be opened with this one. ' +
        'Every node and CLI command using the database needs the same FLEETGATE_MASTER_KEY (or <data dir>/master.key).',
    );
    this.name = 'MasterKeyMismatch';
  }
}

/**
 * Proves this process holds the master key the database's secrets are sealed under, before it
 * seals anything new. The first process to start leaves a sealed marker; every later one must open it
 * (a read only, so a CLI command that only reads never writes).
 * Without this, a node started with another key would serve AuthFailure for every stored
 * credential and seal new secrets no other node can open.
 */
export async function checkMasterKey(db: Kysely<Database>, secrets: SecretBox, now: number): Promise<void> {
  const marker = () => db.selectFrom('core_settings').select('value').where('name', '=', SETTING).executeTakeFirst();
  let found = await marker();
  if (!found) {
    // Racing first starts: one insert wins, and every process then checks the winner's marker.
    await db
      .insertInto('core_settings')
      .values({ name: SETTING, value: secrets.seal(MARKER, AAD), created_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    found = await marker();
  }
  if (!found) throw new Error('the master key check vanished right after it was written');
  const { value } = found;
  let opened: string;
  try {
    opened = secrets.open(value, AAD);
  } catch {
    throw new MasterKeyMismatch();
  }
  if (opened !== MARKER) throw new MasterKeyMismatch();
}
