import { createDecipheriv, createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../support/server.ts';
import { openWorld, unique, type World } from './support.ts';
import { expectTencentError } from '../../../support/tencent-harness.ts';

/** Opens base64(iv ‖ ciphertext ‖ tag) made with AES-256-GCM under a base64 key (README "Keys"). */
function decryptWithPresetKey(presetKey: string, delivered: string): Buffer {
  const bytes = Buffer.from(delivered, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(presetKey, 'base64'), bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
}

const verifies = (publicKey: string, message: string, signature: string) => verify('sha256', Buffer.from(message), publicKey, Buffer.from(signature, 'base64'));

describe.each(DIALECTS)('MNA keys (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld(dialect);
  });
  afterAll(() => world?.close());

  describe('happy paths', () => {
    it('GetPublicKey returns one RSA-2048 PKCS#1 public key per account, the same every time', async () => {
      const { PublicKey } = await world.customer.client.GetPublicKey();
      expect(PublicKey).toMatch(/^-----BEGIN RSA PUBLIC KEY-----\n[\s\S]+\n-----END RSA PUBLIC KEY-----\n$/);
      expect(createPublicKey(PublicKey!).asymmetricKeyDetails?.modulusLength).toBe(2048);
      expect((await world.customer.client.GetPublicKey()).PublicKey).toBe(PublicKey);
    });

    it("AddDevice's Signature verifies with GetPublicKey over DeviceId + newline + DataKey", async () => {
      const added = await world.customer.client.AddDevice({ DeviceName: unique('signed') });
      const { PublicKey } = await world.customer.client.GetPublicKey();
      expect(verifies(PublicKey!, `${added.DeviceId}\n${added.DataKey}`, added.Signature!)).toBe(true);
      expect(verifies(PublicKey!, `${added.DeviceId}\nAAAA${added.DataKey}`, added.Signature!)).toBe(false);
    });

    it('CreateEncryptedKey sets a fresh preset key each call; AddDevice Encrypted returns the DataKey under the latest one', async () => {
      const first = (await world.customer.client.CreateEncryptedKey()).EncryptedKey!;
      const latest = (await world.customer.client.CreateEncryptedKey()).EncryptedKey!;
      expect(Buffer.from(latest, 'base64')).toHaveLength(32);
      expect(latest).not.toBe(first);

      const DataKey = Buffer.from(unique('plain-key')).toString('base64');
      const added = await world.customer.client.AddDevice({ DeviceName: unique('enc'), DataKey, Encrypted: true });
      expect(added.DataKey).not.toBe(DataKey);
      expect(decryptWithPresetKey(latest, added.DataKey!).toString('utf8')).toBe(DataKey);
      expect(() => decryptWithPresetKey(first, added.DataKey!)).toThrow();
      const { PublicKey } = await world.customer.client.GetPublicKey();
      expect(verifies(PublicKey!, `${added.DeviceId}\n${added.DataKey}`, added.Signature!)).toBe(true);
    });
  });

  describe('security', () => {
    it('keeps the private and preset keys sealed at rest, bound to their account', async () => {
      await world.stranger.client.CreateEncryptedKey();
      await world.stranger.client.GetPublicKey();
      const { app } = world.server;
      const row = await app.store.db.selectFrom('mna_account_keys').selectAll().where('account_id', '=', world.stranger.account.id).executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toMatch(/PRIVATE KEY/);
      expect(app.secrets.open(row.signing_private_key_sealed!, `mna.signing-key:${world.stranger.account.id}`)).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      expect(() => app.secrets.open(row.signing_private_key_sealed!, `mna.signing-key:${world.customer.account.id}`)).toThrow();
      expect(Buffer.from(app.secrets.open(row.preset_key_sealed!, `mna.preset-key:${world.stranger.account.id}`), 'base64')).toHaveLength(32);
    });

    it("gives every account its own keys: one account's signature does not verify with another's key", async () => {
      const added = await world.customer.client.AddDevice({ DeviceName: unique('mine') });
      const theirs = (await world.stranger.client.GetPublicKey()).PublicKey!;
      expect(theirs).not.toBe((await world.customer.client.GetPublicKey()).PublicKey);
      expect(verifies(theirs, `${added.DeviceId}\n${added.DataKey}`, added.Signature!)).toBe(false);
    });
  });
});

describe.each(DIALECTS)('MNA unexpected failures (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld(dialect);
  });
  afterAll(() => world?.close());

  it('answers InternalError, without internals, when storage fails under an action', async () => {
    await world.server.app.store.db.schema.dropTable('mna_account_keys').execute();
    const error = await expectTencentError(world.customer.client.GetPublicKey(), 'InternalError');
    expect(error.message).not.toMatch(/mna_account_keys|SQL|relation|table/i);
    await expectTencentError(world.customer.client.CreateEncryptedKey(), 'InternalError');
  });
});
