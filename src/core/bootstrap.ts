import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { SecretBox } from './secret-box.ts';
import type { Config } from '../config.ts';
import type { NewKey } from './credentials.ts';
import { AccountNameTaken, countAccounts, createAccount, type Account } from './accounts.ts';
import { createKey } from './credentials.ts';

export const DEFAULT_ACCOUNT_NAME = 'default';

export interface AccountWithKeys {
  readonly account: Account;
  /** One Tencent and one Alibaba key pair, secrets included: print them once. */
  readonly keys: readonly [NewKey, NewKey];
}

interface PinnedPair {
  readonly keyId?: string | undefined;
  readonly secret?: string | undefined;
}

/** Creates an account and its first Tencent and Alibaba key pairs in one transaction. */
export async function createAccountWithKeys(
  db: Kysely<Database>,
  secrets: SecretBox,
  input: { name: string; now: number; tencent?: PinnedPair; alibaba?: PinnedPair },
): Promise<AccountWithKeys> {
  return db.transaction().execute(async (tx) => {
    const account = await createAccount(tx, input.name, input.now);
    const tencent = await createKey(tx, secrets, { accountId: account.id, cloud: 'tencent', now: input.now, ...input.tencent });
    const alibaba = await createKey(tx, secrets, { accountId: account.id, cloud: 'alibaba', now: input.now, ...input.alibaba });
    return { account, keys: [tencent, alibaba] as const };
  });
}

/**
 * On an empty database, creates the default account with the key pairs pinned in the
 * environment (or fresh ones) and returns them so they can be printed once. Two nodes starting
 * together race on the unique account name; the loser returns undefined.
 */
export async function bootstrapDefaultAccount(
  db: Kysely<Database>,
  secrets: SecretBox,
  pinned: Config['bootstrap'],
  now: number,
): Promise<AccountWithKeys | undefined> {
  if ((await countAccounts(db)) > 0) return undefined;
  try {
    return await createAccountWithKeys(db, secrets, {
      name: DEFAULT_ACCOUNT_NAME,
      now,
      tencent: { keyId: pinned.tencentSecretId, secret: pinned.tencentSecretKey },
      alibaba: { keyId: pinned.alibabaAccessKeyId, secret: pinned.alibabaAccessKeySecret },
    });
  } catch (error) {
    if (error instanceof AccountNameTaken) return undefined;
    throw error;
  }
}
