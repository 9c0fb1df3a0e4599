import { Type } from '@sinclair/typebox';
import { AccountIdTaken, AccountNameTaken, createAccount, findAccountByName } from '../../core/accounts.ts';
import { createKey, findKeyPair } from '../../core/credentials.ts';
import { defineSeedSection, SeedRefused, type SeedContext } from './seed-section.ts';

const Key = Type.Object(
  {
    cloud: Type.Union([Type.Literal('tencent'), Type.Literal('alibaba')]),
    id: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,128}$', description: 'Tencent SecretId or Alibaba AccessKeyId' }),
    secret: Type.String({ minLength: 1, maxLength: 128, description: 'SecretKey or AccessKeySecret (stored sealed)' }),
  },
  { additionalProperties: false },
);

const Account = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$', description: 'what the other sections name the account by' }),
    id: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{11}$', description: 'pinned 12-digit account id (default: a fresh one)' })),
    keys: Type.Optional(Type.Array(Key, { maxItems: 20, description: 'pinned key pairs' })),
    identityVerified: Type.Optional(Type.Boolean({ description: 'off: paying actions answer OperationDenied.UnauthorizedUser (default on)' })),
    mnaAuthorized: Type.Optional(Type.Boolean({ description: 'off: MNA paying actions answer UnauthorizedOperation.NoPermission (default on)' })),
  },
  { additionalProperties: false },
);

/**
 * `accounts`: accounts by name, with pinned ids, key pairs and flags. Applied first: the other
 * sections name them.
 */
export const accountsSeed = defineSeedSection({
  key: 'accounts',
  schema: Type.Array(Account, { maxItems: 10_000 }),
  async apply(ctx, accounts) {
    let created = 0;
    for (const [i, entry] of accounts.entries()) {
      const path = `accounts[${i}]`;
      const { db } = ctx.app.store;
      const now = ctx.app.now();
      let account = await findAccountByName(db, entry.name);
      if (account && entry.id !== undefined && account.id !== entry.id) throw new SeedRefused(path, `account ${entry.name} exists with id ${account.id}, not ${entry.id}`);
      for (const flag of ['identityVerified', 'mnaAuthorized'] as const) {
        if (account && entry[flag] !== undefined && account[flag] !== entry[flag]) throw new SeedRefused(path, `account ${entry.name} exists with ${flag} ${account[flag]}`);
      }
      if (!account) {
        try {
          account = await createAccount(db, entry.name, now, entry.id, { identityVerified: entry.identityVerified, mnaAuthorized: entry.mnaAuthorized });
        } catch (error) {
          if (error instanceof AccountIdTaken || error instanceof AccountNameTaken) throw new SeedRefused(path, error.message);
          throw error;
        }
        created++;
      }
      for (const [k, key] of (entry.keys ?? []).entries()) {
        if (await ensureKey(ctx, `${path}.keys[${k}]`, { accountId: account.id }, key)) created++;
      }
    }
    return created;
  },
});

/**
 * Creates the pinned pair for the account (or its sub-user) unless it already has it; a key id
 * held otherwise is refused.
 */
export async function ensureKey(ctx: SeedContext, path: string, owner: { accountId: string; userId?: string }, key: { cloud: 'tencent' | 'alibaba'; id: string; secret: string }): Promise<boolean> {
  const { store, secrets, now } = ctx.app;
  const existing = await findKeyPair(store.db, secrets, key.id);
  if (!existing) {
    await createKey(store.db, secrets, { accountId: owner.accountId, userId: owner.userId, cloud: key.cloud, keyId: key.id, secret: key.secret, now: now() });
    return true;
  }
  if (existing.accountId !== owner.accountId) throw new SeedRefused(path, `key id ${key.id} belongs to another account`);
  if (existing.userId !== (owner.userId ?? null)) throw new SeedRefused(path, `key id ${key.id} belongs to ${existing.userId === null ? 'the account itself' : 'another sub-user'}`);
  if (existing.cloud !== key.cloud || existing.secret !== key.secret) throw new SeedRefused(path, `key ${key.id} exists with another cloud or secret`);
  return false;
}
