import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../support/server.ts';
import { openWorld, recent, unique, type World } from './support.ts';

describe.each(DIALECTS)('MNA vendor hardware, happy paths (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld(dialect);
  });
  afterAll(() => world?.close());

  it('AddHardware registers a batch and returns each entry with a fresh HardwareId', async () => {
    const [a, b] = [unique('sn'), unique('sn')];
    const { Hardware } = await world.vendor.client.AddHardware({
      Hardware: [
        { SN: a, LicenseChargingMode: 1, Description: 'first' },
        { SN: b, LicenseChargingMode: 3 },
      ],
    });
    expect(Hardware).toHaveLength(2);
    expect(Hardware![0]).toEqual({ SN: a, LicenseChargingMode: 1, Description: 'first', HardwareId: expect.stringMatching(/^cpe-[a-z0-9]{10}$/) });
    expect(Hardware![1]).toEqual({ SN: b, LicenseChargingMode: 3, Description: '', HardwareId: expect.stringMatching(/^cpe-[a-z0-9]{10}$/) });
    expect(Hardware![0]!.HardwareId).not.toBe(Hardware![1]!.HardwareId);
  });

  it('GetVendorHardware lists to-be-activated hardware with exactly the VendorHardware fields', async () => {
    const sn = unique('listed');
    const [id] = await world.addHardware([sn], 2);
    const { VendorHardware, Length, TotalPage } = await world.vendor.client.GetVendorHardware({ PageNumber: 1, PageSize: 10, Keyword: sn });
    expect(Length).toBe(1);
    expect(TotalPage).toBe(1);
    expect(VendorHardware).toEqual([
      {
        HardwareId: id,
        SN: sn,
        CreateTime: recent('s'),
        Status: 1,
        Description: '',
        DeviceId: '',
        LicenseChargingMode: 2,
        LicensePayMode: 0,
        Payer: 1,
      },
    ]);
  });

  it('GetVendorHardware pages, filters by Status and matches Keyword on SN and HardwareId', async () => {
    const prefix = unique('page');
    const ids = await world.addHardware([1, 2, 3, 4, 5].map((n) => `${prefix}-${n}`));
    await world.customer.client.ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN: `${prefix}-5`, DeviceName: unique('dev') }] });

    const first = await world.vendor.client.GetVendorHardware({ PageNumber: 1, PageSize: 2, Keyword: prefix });
    const third = await world.vendor.client.GetVendorHardware({ PageNumber: 3, PageSize: 2, Keyword: prefix });
    expect([first.Length, first.TotalPage]).toEqual([5, 3]);
    expect(first.VendorHardware!.map((h) => h.SN)).toEqual([`${prefix}-1`, `${prefix}-2`]);
    expect(third.VendorHardware!.map((h) => h.SN)).toEqual([`${prefix}-5`]);

    const pending = await world.vendor.client.GetVendorHardware({ PageNumber: 1, PageSize: 10, Keyword: prefix, Status: 1 });
    const activated = await world.vendor.client.GetVendorHardware({ PageNumber: 1, PageSize: 10, Keyword: prefix, Status: 2 });
    const all = await world.vendor.client.GetVendorHardware({ PageNumber: 1, PageSize: 10, Keyword: prefix, Status: 0 });
    expect(pending.Length).toBe(4);
    expect(activated.VendorHardware!.map((h) => [h.SN, h.Status, h.DeviceId!.startsWith('mna-'), /^\d{10}$/.test(h.ActiveTime!)])).toEqual([[`${prefix}-5`, 2, true, true]]);
    expect(all.Length).toBe(5);

    const byId = await world.vendor.client.GetVendorHardware({ PageNumber: 1, PageSize: 10, Keyword: ids[2]!.toUpperCase() });
    expect(byId.VendorHardware!.map((h) => h.HardwareId)).toEqual([ids[2]]);
  });

  it('treats LIKE wildcards in Keyword literally', async () => {
    const base = unique('wild');
    await world.addHardware([`${base}_x`, `${base}ax`]);
    const { VendorHardware } = await world.vendor.client.GetVendorHardware({ PageNumber: 1, PageSize: 10, Keyword: `${base}_` });
    expect(VendorHardware!.map((h) => h.SN)).toEqual([`${base}_x`]);
  });

  it('UpdateHardware changes the SN and the description', async () => {
    const [before, after] = [unique('old'), unique('new')];
    const [id] = await world.addHardware([before]);
    await world.vendor.client.UpdateHardware({ HardwareId: id!, SN: after, Description: 'renamed' });
    const { VendorHardware } = await world.vendor.client.GetVendorHardware({ PageNumber: 1, PageSize: 10, Keyword: id! });
    expect(VendorHardware!.map((h) => [h.SN, h.Description])).toEqual([[after, 'renamed']]);
    await expect(world.stranger.client.GetHardwareInfo({ Vendor: world.vendorName, SN: after })).resolves.toMatchObject({ SN: after });
  });

  it('GetHardwareInfo answers any account with the seed-page fields', async () => {
    const [sn1, sn2, sn3] = [unique('m1'), unique('m2'), unique('m3')];
    await world.addHardware([sn1], 1);
    await world.addHardware([sn2], 2);
    await world.addHardware([sn3], 3);
    const info = (SN: string) => world.stranger.client.GetHardwareInfo({ Vendor: world.vendorName, SN });
    const first = await info(sn1);
    expect(Object.keys(first).sort()).toEqual(['LicensePayMode', 'Payer', 'RequestId', 'SN', 'Vendor']);
    expect(first).toMatchObject({ LicensePayMode: -1, Payer: 0, SN: sn1, Vendor: world.vendorName });
    expect(await info(sn2)).toMatchObject({ LicensePayMode: 0, Payer: 1 });
    expect(await info(sn3)).toMatchObject({ LicensePayMode: 1, Payer: 1 });
  });

  it('GetHardwareList lists only activated hardware, with the device it became', async () => {
    const [pending, active] = [unique('pending'), unique('active')];
    await world.vendor.client.AddHardware({
      Hardware: [
        { SN: pending, LicenseChargingMode: 2 },
        { SN: active, LicenseChargingMode: 2, Description: 'vendor note' },
      ],
    });
    const deviceName = unique('hl-dev');
    const { HardwareInfo } = await world.customer.client.ActivateHardware({
      Hardware: [{ Vendor: world.vendorName, SN: active, DeviceName: deviceName, Description: 'customer note', FlowTrunc: 1 }],
    });
    const { HardwareInfos, Length, TotalPage } = await world.vendor.client.GetHardwareList({ PageNumber: 1, PageSize: 10, Keyword: deviceName });
    expect([Length, TotalPage]).toEqual([1, 1]);
    expect(HardwareInfos).toEqual([
      {
        DeviceId: HardwareInfo![0]!.DeviceId,
        DeviceName: deviceName,
        ActiveTime: recent('s'),
        Description: 'customer note',
        VendorDescription: 'vendor note',
        LicenseChargingMode: 2,
        CreateTime: recent('s'),
        SN: active,
        LicensePayMode: 0,
        Payer: 1,
        GroupId: '',
        GroupName: '',
        FlowTrunc: 1,
      },
    ]);
    const none = await world.vendor.client.GetHardwareList({ PageNumber: 1, PageSize: 10, Keyword: pending });
    expect(none).toMatchObject({ HardwareInfos: [], Length: 0, TotalPage: 0 });
  });
});
