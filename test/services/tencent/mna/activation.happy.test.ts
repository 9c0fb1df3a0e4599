import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../support/server.ts';
import { openWorld, unique, type World } from './support.ts';

describe.each(DIALECTS)('MNA ActivateHardware, happy paths (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld(dialect);
  });
  afterAll(() => world?.close());

  it('answers the seed request with the ActivateHardware struct, DataKey as given', async () => {
    const sn = unique('AN');
    await world.addHardware([sn], 1);
    const { HardwareInfo } = await world.customer.client.ActivateHardware({
      Hardware: [{ Vendor: world.vendorName, SN: sn, DeviceName: unique('name'), Description: 'activateHardware info', DataKey: 'keys' }],
    });
    expect(HardwareInfo).toHaveLength(1);
    const [entry] = HardwareInfo!;
    expect(Object.keys(entry!)).toEqual(['Vendor', 'SN', 'DeviceName', 'Description', 'DataKey', 'AccessScope', 'LicensePayMode', 'GroupId', 'GroupName', 'FlowTrunc', 'DeviceId']);
    expect(entry).toMatchObject({ Vendor: world.vendorName, SN: sn, Description: 'activateHardware info', DataKey: 'keys', AccessScope: 0, LicensePayMode: 0, GroupId: '', GroupName: '', FlowTrunc: 0 });
    expect(entry!.DeviceId).toMatch(/^mna-[a-z0-9]{10}$/);
  });

  it('stores the DataKey sealed to its device row, never in the clear', async () => {
    const sn = unique('sealed');
    await world.addHardware([sn]);
    const dataKey = Buffer.from('a device key of 24 bytes').toString('base64');
    const { HardwareInfo } = await world.customer.client.ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN: sn, DeviceName: unique('d'), DataKey: dataKey }] });
    const deviceId = HardwareInfo![0]!.DeviceId!;
    const { app } = world.server;
    const row = await app.store.db.selectFrom('mna_devices').selectAll().where('device_id', '=', deviceId).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(dataKey);
    expect(app.secrets.open(row.data_key_sealed, `mna.device:${deviceId}`)).toBe(dataKey);
    expect(() => app.secrets.open(row.data_key_sealed, 'mna.device:mna-otherdevice')).toThrow();
  });

  it('generates a 16-byte DataKey per device when none is given and applies the entry options', async () => {
    const [a, b] = [unique('gen'), unique('gen')];
    await world.addHardware([a, b]);
    const { GroupId } = await world.customer.client.AddGroup({ GroupName: unique('grp') });
    const { HardwareInfo } = await world.customer.client.ActivateHardware({
      Hardware: [
        { Vendor: world.vendorName, SN: a, DeviceName: unique('x'), AccessScope: 2, FlowTrunc: 1, GroupId },
        { Vendor: world.vendorName, SN: b, DeviceName: unique('y'), AccessScope: 1, LicensePayMode: 1 },
      ],
    });
    const [first, second] = HardwareInfo!;
    for (const entry of [first!, second!]) expect(Buffer.from(entry.DataKey!, 'base64')).toHaveLength(16);
    expect(first!.DataKey).not.toBe(second!.DataKey);
    expect(first).toMatchObject({ AccessScope: 2, FlowTrunc: 1, GroupId, GroupName: expect.stringMatching(/^grp-/), LicensePayMode: 0 });
    expect(second).toMatchObject({ AccessScope: 1, LicensePayMode: 1, GroupId: '' });

    const { DeviceInfos } = await world.customer.client.GetDevices({ PageNumber: -1, PageSize: -1, Keyword: first!.DeviceName!, DeviceType: 2 });
    expect(DeviceInfos).toEqual([expect.objectContaining({ DeviceId: first!.DeviceId, Sn: a, Vendor: world.vendorName, AccessScope: 2, FlowTrunc: 1, GroupId })]);
  });

  it('derives LicensePayMode and Payer the same way in every action (README mapping table)', async () => {
    // [charging mode, term the customer asks for] → [LicenseChargingMode, LicensePayMode, Payer] in hardware numbering.
    const cases = [
      { mode: 1, asked: 0, expect: [1, 0, 0] },
      { mode: 1, asked: 1, expect: [3, 1, 0] },
      { mode: 2, asked: 1, expect: [2, 0, 1] },
      { mode: 3, asked: 0, expect: [3, 1, 1] },
    ] as const;
    for (const c of cases) {
      const sn = unique(`mode${c.mode}`);
      await world.addHardware([sn], c.mode);
      const deviceName = unique('lic');
      const [chargingMode, payMode, payer] = c.expect;
      const activated = await world.customer.client.ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN: sn, DeviceName: deviceName, LicensePayMode: c.asked }] });
      expect(activated.HardwareInfo![0]!.LicensePayMode, `ActivateHardware ${sn}`).toBe(payMode);

      for (const reader of [world.customer, world.vendor]) {
        const info = await reader.client.GetHardwareInfo({ Vendor: world.vendorName, SN: sn });
        expect([info.LicensePayMode, info.Payer], `GetHardwareInfo ${sn}`).toEqual([payMode, payer]);
      }
      const vendorView = (await world.vendor.client.GetVendorHardware({ PageNumber: 1, PageSize: 1, Keyword: sn })).VendorHardware![0]!;
      expect([vendorView.LicenseChargingMode, vendorView.LicensePayMode, vendorView.Payer], `VendorHardware ${sn}`).toEqual([chargingMode, payMode, payer]);
      const listed = (await world.vendor.client.GetHardwareList({ PageNumber: 1, PageSize: 1, Keyword: sn })).HardwareInfos![0]!;
      expect([listed.LicenseChargingMode, listed.LicensePayMode, listed.Payer], `HardwareInfo ${sn}`).toEqual([chargingMode, payMode, payer]);
      const base = (await world.customer.client.GetDevices({ PageNumber: 1, PageSize: 1, Keyword: deviceName })).DeviceInfos![0]!;
      // DeviceBaseInfo numbers the payer the other way round: 0 vendor, 1 customer.
      expect([base.LicensePayMode, base.Payer], `DeviceBaseInfo ${sn}`).toEqual([payMode, 1 - payer]);
    }
  });

  it('shows the term a customer chose only to that customer and the vendor', async () => {
    const sn = unique('private');
    await world.addHardware([sn], 1);
    await world.customer.client.ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN: sn, DeviceName: unique('p'), LicensePayMode: 1 }] });
    expect(await world.customer.client.GetHardwareInfo({ Vendor: world.vendorName, SN: sn })).toMatchObject({ LicensePayMode: 1, Payer: 0 });
    expect(await world.stranger.client.GetHardwareInfo({ Vendor: world.vendorName, SN: sn })).toMatchObject({ LicensePayMode: -1, Payer: 0 });
  });

  it('DeleteDevice gives activated hardware back to its vendor, so it can be activated again', async () => {
    const sn = unique('again');
    await world.addHardware([sn], 2);
    const { HardwareInfo } = await world.customer.client.ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN: sn, DeviceName: unique('first') }] });
    await world.customer.client.DeleteDevice({ DeviceId: HardwareInfo![0]!.DeviceId! });
    const released = (await world.vendor.client.GetVendorHardware({ PageNumber: 1, PageSize: 1, Keyword: sn })).VendorHardware![0]!;
    expect(released).toMatchObject({ Status: 1, DeviceId: '' });
    expect(released).not.toHaveProperty('ActiveTime');
    expect((await world.vendor.client.GetHardwareList({ PageNumber: 1, PageSize: 10, Keyword: sn })).Length).toBe(0);

    const again = await world.stranger.client.ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN: sn, DeviceName: unique('second') }] });
    const owned = (await world.vendor.client.GetVendorHardware({ PageNumber: 1, PageSize: 1, Keyword: sn })).VendorHardware![0]!;
    expect(owned).toMatchObject({ Status: 2, DeviceId: again.HardwareInfo![0]!.DeviceId });
  });

  it('activates hardware of several vendors in one batch', async () => {
    const second = await world.party();
    const secondName = await world.vendorize(second);
    const [a, b] = [unique('v1'), unique('v2')];
    await world.addHardware([a]);
    await second.client.AddHardware({ Hardware: [{ SN: b, LicenseChargingMode: 3 }] });
    const { HardwareInfo } = await world.customer.client.ActivateHardware({
      Hardware: [
        { Vendor: world.vendorName, SN: a, DeviceName: unique('m') },
        { Vendor: secondName, SN: b, DeviceName: unique('m') },
      ],
    });
    expect(HardwareInfo!.map((h) => [h.Vendor, h.SN, h.LicensePayMode])).toEqual([
      [world.vendorName, a, 0],
      [secondName, b, 1],
    ]);
  });
});
