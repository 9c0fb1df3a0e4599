import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../support/server.ts';
import { openWorld, recent, unique, type World } from './support.ts';

describe.each(DIALECTS)('MNA devices, happy paths (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld(dialect);
  });
  afterAll(() => world?.close());

  it('AddDevice creates a customer-paid device of the account (DeviceType 1)', async () => {
    const name = unique('own');
    const added = await world.customer.client.AddDevice({ DeviceName: name, Remark: 'mobile', AccessScope: 1, LicensePayMode: 1, FlowTrunc: 1 });
    expect(Object.keys(added).sort()).toEqual(['DataKey', 'DeviceId', 'RequestId', 'Signature']);
    expect(added.DeviceId).toMatch(/^mna-[a-z0-9]{10}$/);
    expect(Buffer.from(added.DataKey!, 'base64')).toHaveLength(16);

    const { DeviceDetails } = await world.customer.client.GetDevice({ DeviceId: added.DeviceId! });
    expect(DeviceDetails).toEqual({
      DeviceBaseInfo: {
        DeviceId: added.DeviceId,
        DeviceName: name,
        CreateTime: recent('ms'),
        LastTime: '0',
        Remark: 'mobile',
        AccessScope: 1,
        LicensePayMode: 1,
        Payer: 1,
        GroupId: '',
        GroupName: '',
        FlowTrunc: 1,
        Sn: '',
        Vendor: '',
      },
      DeviceNetInfo: [],
    });
  });

  it('AddDevice keeps a given DataKey', async () => {
    const DataKey = Buffer.from(unique('given')).toString('base64');
    expect((await world.customer.client.AddDevice({ DeviceName: unique('k'), DataKey })).DataKey).toBe(DataKey);
  });

  it('GetDevices pages (-1/-1 = all), filters by DeviceType and matches Keyword on id and name', async () => {
    const prefix = unique('list');
    const added = [];
    for (const n of [1, 2, 3]) added.push(await world.customer.client.AddDevice({ DeviceName: `${prefix}-${n}` }));
    const sn = unique('hw');
    await world.addHardware([sn]);
    await world.customer.client.ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN: sn, DeviceName: `${prefix}-4` }] });

    const page2 = await world.customer.client.GetDevices({ PageNumber: 2, PageSize: 2, Keyword: prefix });
    expect([page2.Length, page2.TotalPage]).toEqual([4, 2]);
    expect(page2.DeviceInfos!.map((d) => d.DeviceName)).toEqual([`${prefix}-3`, `${prefix}-4`]);
    const all = await world.customer.client.GetDevices({ PageNumber: -1, PageSize: -1, Keyword: prefix });
    expect([all.Length, all.TotalPage, all.DeviceInfos!.length]).toEqual([4, 1, 4]);
    const own = await world.customer.client.GetDevices({ PageNumber: -1, PageSize: -1, Keyword: prefix, DeviceType: 1 });
    const thirdParty = await world.customer.client.GetDevices({ PageNumber: -1, PageSize: -1, Keyword: prefix, DeviceType: 2 });
    expect(own.DeviceInfos!.map((d) => d.DeviceName)).toEqual([1, 2, 3].map((n) => `${prefix}-${n}`));
    expect(thirdParty.DeviceInfos!.map((d) => [d.DeviceName, d.Sn, d.Vendor])).toEqual([[`${prefix}-4`, sn, world.vendorName]]);
    const byId = await world.customer.client.GetDevices({ PageNumber: 1, PageSize: 10, Keyword: added[1]!.DeviceId!.toUpperCase() });
    expect(byId.DeviceInfos!.map((d) => d.DeviceId)).toEqual([added[1]!.DeviceId]);
    const none = await world.customer.client.GetDevices({ PageNumber: -1, PageSize: -1, Keyword: unique('nothing') });
    expect([none.Length, none.TotalPage]).toEqual([0, 0]);
  });

  it('UpdateDevice renames, sets Remark and FlowTrunc, and merges NIC settings by name', async () => {
    const { DeviceId } = await world.customer.client.AddDevice({ DeviceName: unique('upd') });
    const renamed = unique('renamed');
    await world.customer.client.UpdateDevice({
      DeviceId: DeviceId!,
      DeviceName: renamed,
      Remark: 'remarks',
      FlowTrunc: 1,
      UpdateNetInfo: [
        { NetInfoName: 'eth0', Type: 2, DataEnable: false, UploadLimit: 1000, DownloadLimit: 2000 },
        { NetInfoName: 'wlan0', Type: 1 },
      ],
    });
    await world.customer.client.UpdateDevice({ DeviceId: DeviceId!, UpdateNetInfo: [{ NetInfoName: 'eth0', UploadLimit: 5 }] });
    const { DeviceDetails } = await world.customer.client.GetDevice({ DeviceId: DeviceId! });
    expect(DeviceDetails!.DeviceBaseInfo).toMatchObject({ DeviceName: renamed, Remark: 'remarks', FlowTrunc: 1 });
    expect(DeviceDetails!.DeviceNetInfo!.map((n) => [n.NetInfoName, n.Type, n.DataEnable, n.UploadLimit, n.DownloadLimit])).toEqual([
      ['eth0', 2, false, '5', '2000'],
      ['wlan0', 1, true, '0', '0'],
    ]);
    expect(Object.keys(DeviceDetails!.DeviceNetInfo![0]!).sort()).toEqual(
      ['DataEnable', 'DataRx', 'DataTx', 'DownRate', 'DownloadLimit', 'NetInfoName', 'PublicIp', 'Rat', 'SignalStrength', 'State', 'Type', 'UpRate', 'UploadLimit', 'Vendor'].sort(),
    );
  });

  it('UpdateDevice may keep the device its own name', async () => {
    const name = unique('same');
    const { DeviceId } = await world.customer.client.AddDevice({ DeviceName: name });
    await world.customer.client.UpdateDevice({ DeviceId: DeviceId!, DeviceName: name });
    await world.customer.client.UpdateDevice({ DeviceId: DeviceId! });
    expect((await world.customer.client.GetDevice({ DeviceId: DeviceId! })).DeviceDetails!.DeviceBaseInfo!.DeviceName).toBe(name);
  });

  it('DeleteDevice removes the device and its NIC settings; its name is free again', async () => {
    const name = unique('gone');
    const { DeviceId } = await world.customer.client.AddDevice({ DeviceName: name });
    await world.customer.client.UpdateDevice({ DeviceId: DeviceId!, UpdateNetInfo: [{ NetInfoName: 'eth0' }] });
    await world.customer.client.DeleteDevice({ DeviceId: DeviceId! });
    expect((await world.customer.client.GetDevices({ PageNumber: -1, PageSize: -1, Keyword: name })).Length).toBe(0);
    const nics = await world.server.app.store.db.selectFrom('mna_device_nics').select('device_id').where('device_id', '=', DeviceId!).execute();
    expect(nics).toEqual([]);
    await expect(world.customer.client.AddDevice({ DeviceName: name })).resolves.toBeDefined();
  });

  it('GetDevicePayMode answers every listed device as pay-as-you-go, in the order asked', async () => {
    const a = await world.customer.client.AddDevice({ DeviceName: unique('pay') });
    const b = await world.customer.client.AddDevice({ DeviceName: unique('pay') });
    const { Result } = await world.customer.client.GetDevicePayMode({ DeviceIdList: [b.DeviceId!, a.DeviceId!] });
    expect(Result).toEqual([
      { DeviceId: b.DeviceId, PayMode: 0, PayModeDesc: 'Pay-as-you-go by traffic' },
      { DeviceId: a.DeviceId, PayMode: 0, PayModeDesc: 'Pay-as-you-go by traffic' },
    ]);
  });
});
