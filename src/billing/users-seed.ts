import { Type } from '@sinclair/typebox';
import { defineSeedSection, SeedRefused } from '../emulator/seed/seed-section.ts';
import { ensureKey } from '../emulator/seed/accounts-seed.ts';
import { StoreRefusal } from '../storage/store-refusal.ts';
import { createSubUser, findSubUserByName } from './users.ts';

const SubUserKey = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,128}$', description: 'Tencent SecretId' }),
    secret: Type.String({ minLength: 1, maxLength: 128, description: 'SecretKey (stored sealed)' }),
  },
  { additionalProperties: false },
);

const SubUser = Type.Object(
  {
    account: Type.String({ minLength: 1, maxLength: 64, description: 'the parent account’s name' }),
    name: Type.String({ minLength: 1, maxLength: 64, description: 'unique in the account' }),
    canPay: Type.Optional(Type.Boolean({ description: 'may pay for orders (default: may not, OperationDenied.NotAllowedToPay)' })),
    keys: Type.Optional(Type.Array(SubUserKey, { minItems: 1, maxItems: 20, description: 'pinned Tencent key pairs (default: one generated, whose secret nobody sees)' })),
  },
  { additionalProperties: false },
);

/**
 * `subUsers`: sub-users by account and name, with their payment permission and pinned Tencent key
 * pairs. A sub-user is created with its keys in one transaction, as the admin API creates one; an
 * existing one keeps its canPay (a different one is refused) and gets the pinned keys it lacks.
 */
export const subUsersSeed = defineSeedSection({
  key: 'subUsers',
  schema: Type.Array(SubUser, { maxItems: 10_000 }),
  async apply(ctx, users) {
    let created = 0;
    for (const [i, entry] of users.entries()) {
      const path = `subUsers[${i}]`;
      const accountId = await ctx.accountId(entry.account, path);
      const { store, secrets, now } = ctx.app;
      const canPay = entry.canPay ?? false;
      const existing = await findSubUserByName(store.db, accountId, entry.name);
      if (!existing) {
        const keys = entry.keys?.map((key) => ({ keyId: key.id, secret: key.secret }));
        try {
          await createSubUser(store.db, secrets, { accountId, name: entry.name, canPay, keys, now: now() });
        } catch (error) {
          if (error instanceof StoreRefusal) throw new SeedRefused(path, error.message);
          throw error;
        }
        created++;
        continue;
      }
      if (existing.canPay !== canPay) throw new SeedRefused(path, `sub-user ${entry.name} exists with canPay ${existing.canPay}`);
      for (const [k, key] of (entry.keys ?? []).entries()) {
        if (await ensureKey(ctx, `${path}.keys[${k}]`, { accountId, userId: existing.id }, { cloud: 'tencent', ...key })) created++;
      }
    }
    return created;
  },
});
