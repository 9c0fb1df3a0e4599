import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { Cloud, CredentialRow } from './tables.ts';
import type { SecretBox } from './secret-box.ts';
import { mixedAlphanumeric } from './ids.ts';
import { isUniqueViolation } from '../storage/constraints.ts';

/** The public description of a key pair: never its secret. */
export interface KeyInfo {
  readonly keyId: string;
  readonly accountId: string;
  readonly cloud: Cloud;
  readonly status: CredentialRow['status'];
  readonly createdAt: number;
  /** The sub-user the key belongs to; null for the account's own keys. */
  readonly userId: string | null;
}

export interface NewKey extends KeyInfo {
  /** Shown once, at creation; stored only sealed. */
  readonly secret: string;
}

export class KeyIdTaken extends Error {
  constructor(keyId: string) {
    super(`key id ${keyId} is already in use`);
  }
}

/** Formats the clouds use: Tencent `AKID` + 32 (36 chars) / 32-char SecretKey; Alibaba `LTAI` + 20 / 30-char secret. */
export const KEY_FORMATS: Readonly<Record<Cloud, { readonly keyId: () => string; readonly secret: () => string }>> = {
  tencent: { keyId: () => `AKID${mixedAlphanumeric(32)}`, secret: () => mixedAlphanumeric(32) },
  alibaba: { keyId: () => `LTAI${mixedAlphanumeric(20)}`, secret: () => mixedAlphanumeric(30) },
};

const sealingContext = (keyId: string): string => `credential:${keyId}`;

const toInfo = (row: Omit<Selectable<CredentialRow>, 'secret_sealed'>): KeyInfo => ({
  keyId: row.key_id,
  accountId: row.account_id,
  cloud: row.cloud,
  status: row.status,
  createdAt: row.created_at,
  userId: row.user_id,
});

/** Creates a key pair for an account; a given id/secret pair (pinned CI keys) is stored as is. */
export async function createKey(
  db: Kysely<Database>,
  secrets: SecretBox,
  input: { accountId: string; cloud: Cloud; keyId?: string; secret?: string; userId?: string; now: number },
): Promise<NewKey> {
  const keyId = input.keyId ?? KEY_FORMATS[input.cloud].keyId();
  const secret = input.secret ?? KEY_FORMATS[input.cloud].secret();
  const row: Selectable<CredentialRow> = {
    key_id: keyId,
    account_id: input.accountId,
    cloud: input.cloud,
    secret_sealed: secrets.seal(secret, sealingContext(keyId)),
    status: 'active',
    created_at: input.now,
    user_id: input.userId ?? null,
  };
  try {
    await db.insertInto('credentials').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw new KeyIdTaken(keyId);
    throw error;
  }
  return { ...toInfo(row), secret };
}

export async function listKeys(db: Kysely<Database>, accountId: string): Promise<KeyInfo[]> {
  const rows = await db
    .selectFrom('credentials')
    .select(['key_id', 'account_id', 'cloud', 'status', 'created_at', 'user_id'])
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('key_id')
    .execute();
  return rows.map(toInfo);
}

/** Disables one of the account's keys; false if the account has no such key. */
export async function disableKey(db: Kysely<Database>, accountId: string, keyId: string): Promise<boolean> {
  const result = await db
    .updateTable('credentials')
    .set({ status: 'disabled' })
    .where('account_id', '=', accountId)
    .where('key_id', '=', keyId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** What a gateway needs to check a signature: the owning account and the plaintext secret. */
export interface SigningKey {
  readonly keyId: string;
  readonly accountId: string;
  readonly cloud: Cloud;
  readonly secret: string;
  /** The sub-user the key belongs to (it acts within accountId); null for the account's own keys. */
  readonly userId: string | null;
}

/**
 * Finds active signing keys, keeping decrypted secrets in memory so a request does not pay a
 * decrypt. Entries expire after `ttlMs` so a key disabled through another node stops working
 * within that time; on this node `forget` drops one at once.
 */
export class KeyRing {
  readonly #cache = new Map<string, { key: SigningKey | undefined; expires: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets: SecretBox,
    private readonly ttlMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  async find(cloud: Cloud, keyId: string): Promise<SigningKey | undefined> {
    const cached = this.#cache.get(keyId);
    if (cached && cached.expires > this.now()) return cached.key?.cloud === cloud ? cached.key : undefined;
    const row = await this.db
      .selectFrom('credentials')
      .innerJoin('accounts', 'accounts.id', 'credentials.account_id')
      .select(['credentials.key_id', 'credentials.account_id', 'credentials.cloud', 'credentials.secret_sealed', 'credentials.user_id'])
      .where('credentials.key_id', '=', keyId)
      .where('credentials.status', '=', 'active')
      .where('accounts.status', '=', 'active')
      .executeTakeFirst();
    const key = row && {
      keyId: row.key_id,
      accountId: row.account_id,
      cloud: row.cloud,
      secret: this.secrets.open(row.secret_sealed, sealingContext(row.key_id)),
      userId: row.user_id,
    };
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(keyId, { key, expires: this.now() + this.ttlMs });
    return key?.cloud === cloud ? key : undefined;
  }

  forget(keyId?: string): void {
    if (keyId === undefined) this.#cache.clear();
    else this.#cache.delete(keyId);
  }
}
