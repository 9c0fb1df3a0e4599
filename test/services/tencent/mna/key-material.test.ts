import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SecretBox } from '../../../../src/core/secret-box.ts';
import type { ActionContext } from '../../../../src/services/action-context.ts';
import type { MnaAccountKeyRow } from '../../../../src/services/tencent/mna/tables.ts';
import { accountDataKeys } from '../../../../src/services/tencent/mna/key-material.ts';

const secrets = new SecretBox(randomBytes(32));

/** An account's key row as accountKeys stores it, with its digest key in the clear beside it. */
function account(accountId: string) {
  const digestKey = randomBytes(32);
  const row = { account_id: accountId, digest_key_sealed: secrets.seal(digestKey.toString('base64'), `mna.digest-key:${accountId}`) } as MnaAccountKeyRow;
  const ctx = { accountId, secrets } as ActionContext;
  return { keys: accountDataKeys(ctx, row), hmac: (dataKey: string) => createHmac('sha256', digestKey).update(dataKey, 'utf8').digest('hex') };
}

describe('MNA DataKey fingerprints', () => {
  it('a generated key is 16 bytes in canonical base64, and its fingerprint is the one the key string itself gives', () => {
    const { keys } = account('acct-a');
    for (let i = 0; i < 200; i++) {
      const { dataKey, digest } = keys.generate();
      expect(Buffer.from(dataKey, 'base64')).toHaveLength(16);
      expect(Buffer.from(dataKey, 'base64').toString('base64')).toBe(dataKey);
      expect(keys.digest(dataKey)).toBe(digest);
    }
  });

  it('keys generated one after another have distinct fingerprints in creation order (they sit together in the unique index)', () => {
    const { keys } = account('acct-b');
    const generated = Array.from({ length: 500 }, () => keys.generate());
    const digests = generated.map((g) => g.digest);
    expect([...digests].sort()).toStrictEqual(digests);
    expect(new Set(generated.map((g) => g.dataKey)).size).toBe(500);
  });

  it('every other key keeps its HMAC-SHA256 fingerprint: given keys and the random 16-byte keys generated before', () => {
    const { keys, hmac } = account('acct-c');
    const randomKey = fc.oneof(fc.string({ minLength: 1, maxLength: 128 }), fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('base64')));
    fc.assert(fc.property(randomKey, (dataKey) => keys.digest(dataKey) === hmac(dataKey)));
    // Not canonical base64 of the same bytes: another key, another fingerprint.
    const { dataKey } = keys.generate();
    const variant = `${dataKey.slice(0, 21)}${dataKey[21] === 'A' ? 'B' : 'A'}==`;
    expect(keys.digest(variant)).not.toBe(keys.digest(dataKey));
  });

  it('another account neither generates the same keys nor recognises one account\'s generated keys as its own', () => {
    const a = account('acct-d');
    const b = account('acct-e');
    const { dataKey, digest } = a.keys.generate();
    expect(b.keys.digest(dataKey)).toBe(b.hmac(dataKey));
    expect(b.keys.digest(dataKey)).not.toBe(digest);
  });
});
