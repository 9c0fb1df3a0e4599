import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, openTestStore } from '../support/databases.ts';
import { createAccountWithKeys, bootstrapDefaultAccount } from '../../src/core/bootstrap.ts';
import { KeyIdTaken, KeyRing, createKey, disableKey, listKeys } from '../../src/core/credentials.ts';
import { AccountNameTaken, setAccountStatus } from '../../src/core/accounts.ts';

describe.each(STORE_KINDS)('accounts and key pairs on %s', (kind) => {
  let t: Awaited<ReturnType<typeof openTestStore>>;
  beforeEach(async () => {
    t = await openTestStore(kind);
  });
  afterEach(() => t.close());

  it('creates key pairs formatted like the clouds’ own', async () => {
    const { account, keys } = await createAccountWithKeys(t.store.db, t.secrets, { name: 'acme', now: 1 });
    expect(account.id).toMatch(/^\d{12}$/);
    expect(keys[0].keyId).toMatch(/^AKID[A-Za-z0-9]{32}$/);
    expect(keys[0].secret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(keys[1].keyId).toMatch(/^LTAI[A-Za-z0-9]{20}$/);
    expect(keys[1].secret).toMatch(/^[A-Za-z0-9]{30}$/);
  });

  it('stores no secret in plaintext', async () => {
    const { keys } = await createAccountWithKeys(t.store.db, t.secrets, { name: 'acme', now: 1 });
    const rows = await t.store.db.selectFrom('credentials').selectAll().execute();
    for (const key of keys) expect(JSON.stringify(rows)).not.toContain(key.secret);
  });

  it('refuses a second account of the same name and a reused key id', async () => {
    const first = await createAccountWithKeys(t.store.db, t.secrets, { name: 'acme', now: 1 });
    await expect(createAccountWithKeys(t.store.db, t.secrets, { name: 'acme', now: 1 })).rejects.toBeInstanceOf(AccountNameTaken);
    await expect(
      createKey(t.store.db, t.secrets, { accountId: first.account.id, cloud: 'tencent', keyId: first.keys[0].keyId, now: 1 }),
    ).rejects.toBeInstanceOf(KeyIdTaken);
  });

  it('finds active keys with their secret and stops finding disabled ones', async () => {
    const { account, keys } = await createAccountWithKeys(t.store.db, t.secrets, { name: 'acme', now: 1 });
    const ring = new KeyRing(t.store.db, t.secrets, 60_000);
    expect(await ring.find('tencent', keys[0].keyId)).toMatchObject({ accountId: account.id, secret: keys[0].secret });
    expect(await ring.find('alibaba', keys[0].keyId)).toBeUndefined();
    expect(await disableKey(t.store.db, account.id, keys[0].keyId)).toBe(true);
    ring.forget(keys[0].keyId);
    expect(await ring.find('tencent', keys[0].keyId)).toBeUndefined();
  });

  it('stops authenticating every key of a disabled account', async () => {
    const { account, keys } = await createAccountWithKeys(t.store.db, t.secrets, { name: 'acme', now: 1 });
    await setAccountStatus(t.store.db, account.id, 'disabled');
    expect(await new KeyRing(t.store.db, t.secrets).find('alibaba', keys[1].keyId)).toBeUndefined();
  });

  it('scopes key listing and disabling to the owning account', async () => {
    const a = await createAccountWithKeys(t.store.db, t.secrets, { name: 'a', now: 1 });
    const b = await createAccountWithKeys(t.store.db, t.secrets, { name: 'b', now: 1 });
    expect((await listKeys(t.store.db, b.account.id)).map((k) => k.keyId)).not.toContain(a.keys[0].keyId);
    expect(await disableKey(t.store.db, b.account.id, a.keys[0].keyId)).toBe(false);
    expect((await listKeys(t.store.db, a.account.id)).every((k) => k.status === 'active')).toBe(true);
  });

  it('bootstraps the default account once, with pinned keys', async () => {
    const pinned = { tencentSecretId: 'AKIDpinnedpinnedpinned01', tencentSecretKey: 'pinned-secret-key-000000', alibabaAccessKeyId: undefined, alibabaAccessKeySecret: undefined };
    const [first, second] = await Promise.all([
      bootstrapDefaultAccount(t.store.db, t.secrets, pinned, 1),
      bootstrapDefaultAccount(t.store.db, t.secrets, pinned, 1),
    ]);
    const created = [first, second].filter(Boolean);
    expect(created).toHaveLength(1);
    expect(created[0]!.keys[0]).toMatchObject({ keyId: 'AKIDpinnedpinnedpinned01', secret: 'pinned-secret-key-000000' });
    expect(await bootstrapDefaultAccount(t.store.db, t.secrets, pinned, 1)).toBeUndefined();
  });
});
