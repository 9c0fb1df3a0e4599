import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../support/server.ts';
import { openWorld, unique, type World } from './support.ts';
import { expectTencentError } from '../../../support/tencent-harness.ts';

describe.each(DIALECTS)('MNA hardware rows record their device (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld(dialect);
  });
  afterAll(() => world?.close());

  /** device_id of each SN's hardware row, and the hardware each of those devices names. */
  async function links(sns: readonly string[]) {
    const { db } = world.server.app.store;
    return db
      .selectFrom('mna_hardware as h')
      .leftJoin('mna_devices as d', 'd.device_id', 'h.device_id')
      .select(['h.sn', 'h.status', 'h.device_id', 'd.hardware_id as device_hardware_id', 'h.hardware_id'])
      .where('h.sn', 'in', [...sns])
      .orderBy('h.sn')
      .execute();
  }

  it('one batch records each entry\'s own device on its hardware; DeleteDevice clears only that one', async () => {
    const sns = [unique('link-a'), unique('link-b'), unique('link-c')].sort();
    await world.addHardware(sns);
    const { HardwareInfo } = await world.customer.client.ActivateHardware({ Hardware: sns.map((SN) => ({ Vendor: world.vendorName, SN, DeviceName: unique('linked') })) });
    const deviceOf = new Map(HardwareInfo!.map((h) => [h.SN!, h.DeviceId!]));

    const activated = await links(sns);
    expect(activated.map((row) => [row.sn, row.status, row.device_id])).toEqual(sns.map((sn) => [sn, 2, deviceOf.get(sn)]));
    for (const row of activated) expect(row.device_hardware_id).toBe(row.hardware_id);

    await world.customer.client.DeleteDevice({ DeviceId: deviceOf.get(sns[1]!)! });
    expect((await links(sns)).map((row) => [row.status, row.device_id])).toEqual([
      [2, deviceOf.get(sns[0]!)],
      [1, null],
      [2, deviceOf.get(sns[2]!)],
    ]);
  });

  it('a batch that fails records no device', async () => {
    const [taken, fresh] = [unique('taken'), unique('fresh')];
    await world.addHardware([taken, fresh]);
    await world.customer.client.ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN: taken, DeviceName: unique('first') }] });
    await expectTencentError(
      world.stranger.client.ActivateHardware({
        Hardware: [
          { Vendor: world.vendorName, SN: fresh, DeviceName: unique('x') },
          { Vendor: world.vendorName, SN: taken, DeviceName: unique('y') },
        ],
      }),
      'OperationDenied.HardwareHasActivated',
    );
    expect((await links([fresh])).map((row) => [row.status, row.device_id])).toEqual([[1, null]]);
  });

  it('GetHardwareInfo shows the term of the device the hardware became last', async () => {
    const sn = unique('relinked');
    await world.addHardware([sn], 1);
    const first = await world.customer.client.ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN: sn, DeviceName: unique('p'), LicensePayMode: 1 }] });
    await world.customer.client.DeleteDevice({ DeviceId: first.HardwareInfo![0]!.DeviceId! });
    await world.stranger.client.ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN: sn, DeviceName: unique('m'), LicensePayMode: 0 }] });
    for (const reader of [world.stranger, world.vendor]) expect(await reader.client.GetHardwareInfo({ Vendor: world.vendorName, SN: sn })).toMatchObject({ LicensePayMode: 0 });
    expect(await world.customer.client.GetHardwareInfo({ Vendor: world.vendorName, SN: sn })).toMatchObject({ LicensePayMode: -1 });
  });
});
