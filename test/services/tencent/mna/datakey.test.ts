import { createDecipheriv, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../support/server.ts';
import { openWorld, unique, type Party, type World } from './support.ts';
import { expectTencentError } from '../../../support/tencent-harness.ts';

/** The DataKeys of Tencent's own examples (api.json / examples.json), and the longest base64 key of the old rule. */
const DOCUMENTED_KEYS = ['mna-test1', 'dasdfrfwer32e4r', 'keys', Buffer.alloc(64, 0xa5).toString('base64')];

/** Opens base64(iv ‖ ciphertext ‖ tag), AES-256-GCM under the base64 preset key (MNA README "Keys"). */
function openDelivered(presetKey: string, delivered: string): string {
  const bytes = Buffer.from(delivered, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(presetKey, 'base64'), bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
}

describe.each(DIALECTS)('MNA DataKey rule: as lenient as Tencent’s examples (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld(dialect);
  });
  afterAll(() => world?.close());

  const activate = (party: Party, SN: string, DataKey: string) =>
    party.client.ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN, DeviceName: unique('hw'), DataKey }] });

  it('AddDevice accepts the documented DataKeys, returns and keeps each exactly, and signs DeviceId + "\\n" + DataKey', async () => {
    const { PublicKey } = await world.customer.client.GetPublicKey();
    for (const DataKey of DOCUMENTED_KEYS) {
      const added = await world.customer.client.AddDevice({ DeviceName: unique('doc'), DataKey });
      expect(added.DataKey).toBe(DataKey);
      expect(verify('sha256', Buffer.from(`${added.DeviceId}\n${DataKey}`), PublicKey!, Buffer.from(added.Signature!, 'base64'))).toBe(true);
      // Unique per account, whatever its form.
      await expectTencentError(world.customer.client.AddDevice({ DeviceName: unique('again'), DataKey }), 'InternalError.DuplicateDataKey');
    }
  });

  it('AddDevice Encrypted delivers each documented DataKey under the preset key of CreateEncryptedKey, exactly as given', async () => {
    const party = await world.party();
    const { EncryptedKey } = await party.client.CreateEncryptedKey();
    const { PublicKey } = await party.client.GetPublicKey();
    for (const DataKey of DOCUMENTED_KEYS) {
      const added = await party.client.AddDevice({ DeviceName: unique('enc'), DataKey, Encrypted: true });
      expect(added.DataKey).not.toBe(DataKey);
      expect(openDelivered(EncryptedKey!, added.DataKey!)).toBe(DataKey);
      expect(verify('sha256', Buffer.from(`${added.DeviceId}\n${added.DataKey}`), PublicKey!, Buffer.from(added.Signature!, 'base64'))).toBe(true);
    }
  });

  it('ActivateHardware accepts the documented DataKeys and keeps them unique per account', async () => {
    const party = await world.party();
    const sns = DOCUMENTED_KEYS.map(() => unique('dk'));
    await world.addHardware([...sns, unique('spare')]);
    for (const [index, DataKey] of DOCUMENTED_KEYS.entries()) {
      const { HardwareInfo } = await activate(party, sns[index]!, DataKey);
      expect(HardwareInfo![0]!.DataKey).toBe(DataKey);
    }
    const spare = unique('spare2');
    await world.addHardware([spare]);
    const error = await expectTencentError(activate(party, spare, 'keys'), 'InvalidParameterValue');
    expect(error.message).toContain('Hardware.0.DataKey');
    // A key another account uses is no obstacle.
    await expect(world.customer.client.AddDevice({ DeviceName: unique('other'), DataKey: 'dasdfrfwer32e4r-customer' })).resolves.toBeDefined();
  });

  it('a DataKey Fleetgate generated is unique like a given one: given again to either action, it is refused', async () => {
    const party = await world.party();
    const [sn, again] = [unique('gen'), unique('gen-again')];
    await world.addHardware([sn, again]);
    const generated = (await party.client.ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN: sn, DeviceName: unique('gen') }] })).HardwareInfo![0]!.DataKey!;
    expect(Buffer.from(generated, 'base64')).toHaveLength(16);
    await expectTencentError(party.client.AddDevice({ DeviceName: unique('copy'), DataKey: generated }), 'InternalError.DuplicateDataKey');
    const error = await expectTencentError(activate(party, again, generated), 'InvalidParameterValue');
    expect(error.message).toContain('Hardware.0.DataKey');
    // AddDevice's generated keys too; another account may use the key.
    const added = (await party.client.AddDevice({ DeviceName: unique('gen-add') })).DataKey!;
    await expectTencentError(activate(party, again, added), 'InvalidParameterValue');
    await expect(world.customer.client.AddDevice({ DeviceName: unique('other'), DataKey: generated })).resolves.toBeDefined();
  });

  it('refuses what the rule rules out, in both actions, with InvalidParameterValue naming the parameter', async () => {
    const sn = unique('refused');
    await world.addHardware([sn]);
    // (An unpaired surrogate never reaches the server through the SDK: its UTF-8 encoding sends U+FFFD.)
    for (const DataKey of ['', 'k'.repeat(129), 'two\nlines', 'nul\u0000', 'tab\there']) {
      const added = await expectTencentError(world.customer.client.AddDevice({ DeviceName: unique('bad'), DataKey }), 'InvalidParameterValue');
      expect(added.message, JSON.stringify(DataKey)).toContain('`DataKey`');
      const activated = await expectTencentError(activate(world.customer, sn, DataKey), 'InvalidParameterValue');
      expect(activated.message, JSON.stringify(DataKey)).toContain('`Hardware.0.DataKey`');
    }
  });
});
