import { createDecipheriv } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../support/server.ts';
import { openWorld, unique, type Party, type World } from './support.ts';
import { expectTencentError } from '../../../support/tencent-harness.ts';

/**
 * Tenant isolation, action by action: another account never sees, changes or deletes what it
 * does not own, and gets the action's not-found answer instead.
 */
describe.each(DIALECTS)('MNA tenant isolation (%s)', (dialect) => {
  let world: World;
  let rivalVendor: Party;
  const owned = { sn: '', hardwareId: '', deviceId: '', deviceName: '', dataKey: '', activatedId: '', activatedSn: '', groupId: '', groupName: '' };

  beforeAll(async () => {
    world = await openWorld(dialect);
    rivalVendor = await world.party();
    await world.vendorize(rivalVendor);
    owned.sn = unique('hw');
    owned.activatedSn = unique('hw-act');
    owned.hardwareId = (await world.addHardware([owned.sn, owned.activatedSn]))[0]!;
    owned.groupName = unique('group');
    owned.groupId = (await world.customer.client.AddGroup({ GroupName: owned.groupName, Description: 'mine' })).GroupId!;
    owned.deviceName = unique('device');
    owned.dataKey = Buffer.from(unique('key')).toString('base64');
    owned.deviceId = (await world.customer.client.AddDevice({ DeviceName: owned.deviceName, DataKey: owned.dataKey, GroupId: owned.groupId })).DeviceId!;
    const { HardwareInfo } = await world.customer.client.ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN: owned.activatedSn, DeviceName: unique('act') }] });
    owned.activatedId = HardwareInfo![0]!.DeviceId!;
  });
  afterAll(() => world?.close());

  const stranger = () => world.stranger.client;
  const ownersDevice = async () => (await world.customer.client.GetDevice({ DeviceId: owned.deviceId })).DeviceDetails!.DeviceBaseInfo!;

  it('vendor actions see and change only the calling vendor’s hardware', async () => {
    await expectTencentError(stranger().AddHardware({ Hardware: [{ SN: owned.sn, LicenseChargingMode: 1 }] }), 'OperationDenied.VendorNotRegister');
    // SNs are unique per vendor: a rival vendor may register the same SN.
    await expect(rivalVendor.client.AddHardware({ Hardware: [{ SN: owned.sn, LicenseChargingMode: 2 }] })).resolves.toBeDefined();
    expect((await rivalVendor.client.GetVendorHardware({ PageNumber: -1, PageSize: -1, Keyword: owned.hardwareId })).Length).toBe(0);
    expect((await rivalVendor.client.GetHardwareList({ PageNumber: -1, PageSize: -1, Keyword: owned.activatedSn })).Length).toBe(0);
    await expectTencentError(rivalVendor.client.UpdateHardware({ HardwareId: owned.hardwareId, Description: 'hijacked' }), 'InvalidParameterValue');
    const mine = await world.vendor.client.GetVendorHardware({ PageNumber: 1, PageSize: 1, Keyword: owned.hardwareId });
    expect(mine.VendorHardware![0]).toMatchObject({ SN: owned.sn, Description: '', LicenseChargingMode: 1 });
  });

  it('ActivateHardware and GetHardwareInfo: another account cannot take or inspect a customer’s activation', async () => {
    await expectTencentError(stranger().ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN: owned.activatedSn, DeviceName: unique('x') }] }), 'OperationDenied.HardwareHasActivated');
    const sn = unique('free');
    await world.addHardware([sn]);
    await expectTencentError(stranger().ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN: sn, DeviceName: unique('x'), GroupId: owned.groupId }] }), 'InvalidParameterValue');
    // Names and keys are per account.
    await expect(stranger().ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN: sn, DeviceName: owned.deviceName, DataKey: owned.dataKey }] })).resolves.toBeDefined();
    expect(await stranger().GetHardwareInfo({ Vendor: world.vendorName, SN: owned.activatedSn })).toMatchObject({ LicensePayMode: -1 });
  });

  it('device actions answer another account’s DeviceId as not found and change nothing', async () => {
    await expectTencentError(stranger().GetDevice({ DeviceId: owned.deviceId }), 'InvalidParameterValue');
    await expectTencentError(stranger().UpdateDevice({ DeviceId: owned.deviceId, DeviceName: unique('hijack'), Remark: 'x' }), 'InvalidParameterValue');
    await expectTencentError(stranger().UpdateDevice({ DeviceId: owned.deviceId, UpdateNetInfo: [{ NetInfoName: 'eth0' }] }), 'InvalidParameterValue');
    await expectTencentError(stranger().DeleteDevice({ DeviceId: owned.deviceId }), 'InvalidParameterValue');
    await expectTencentError(stranger().DeleteDevice({ DeviceId: owned.activatedId }), 'InvalidParameterValue');
    await expectTencentError(stranger().GetDevicePayMode({ DeviceIdList: [owned.deviceId] }), 'OperationDenied.DeviceNotFound');
    expect((await stranger().GetDevices({ PageNumber: -1, PageSize: -1, Keyword: owned.deviceId })).Length).toBe(0);
    expect(await ownersDevice()).toMatchObject({ DeviceName: owned.deviceName, Remark: '' });
    expect((await world.customer.client.GetDevice({ DeviceId: owned.deviceId })).DeviceDetails!.DeviceNetInfo).toEqual([]);
    expect((await world.vendor.client.GetVendorHardware({ PageNumber: 1, PageSize: 1, Keyword: owned.activatedSn })).VendorHardware![0]!.Status).toBe(2);
  });

  it('AddDevice cannot join another account’s group, but may reuse its names and keys', async () => {
    const other = await world.party();
    await expectTencentError(other.client.AddDevice({ DeviceName: unique('x'), GroupId: owned.groupId }), 'InvalidParameterValue');
    await expect(other.client.AddDevice({ DeviceName: owned.deviceName, DataKey: owned.dataKey })).resolves.toBeDefined();
  });

  it('group actions answer another account’s GroupId or DeviceId as not found and change nothing', async () => {
    const theirGroup = (await stranger().AddGroup({ GroupName: owned.groupName })).GroupId!;
    const theirDevice = (await stranger().AddDevice({ DeviceName: unique('theirs') })).DeviceId!;
    expect((await stranger().GetGroupList({ PageNumber: -1, PageSize: -1 })).GroupInfos!.map((g) => g.GroupId)).toEqual([theirGroup]);
    await expectTencentError(stranger().GetGroupDetail({ GroupId: owned.groupId, PageNumber: 1, PageSize: 10 }), 'InvalidParameterValue');
    await expectTencentError(stranger().GroupAddDevice({ GroupId: owned.groupId, DeviceList: [theirDevice] }), 'InvalidParameterValue');
    await expectTencentError(stranger().GroupAddDevice({ GroupId: theirGroup, DeviceList: [owned.deviceId] }), 'InvalidParameterValue');
    await expectTencentError(stranger().GroupDeleteDevice({ GroupId: owned.groupId, DeviceList: [theirDevice] }), 'InvalidParameterValue');
    await expectTencentError(stranger().GroupDeleteDevice({ GroupId: theirGroup, DeviceList: [owned.deviceId] }), 'InvalidParameterValue');
    await expectTencentError(stranger().UpdateGroup({ GroupId: owned.groupId, Description: 'hijacked' }), 'InvalidParameterValue');
    await expectTencentError(stranger().DeleteGroup({ GroupId: owned.groupId }), 'InvalidParameterValue');
    const detail = await world.customer.client.GetGroupDetail({ GroupId: owned.groupId, PageNumber: -1, PageSize: -1 });
    expect(detail.GroupInfo).toMatchObject({ Description: 'mine', DeviceNum: 1 });
    expect(detail.DeviceInfos!.map((d) => d.DeviceId)).toEqual([owned.deviceId]);
  });

  it('CreateEncryptedKey and GetPublicKey act on the caller’s own keys only', async () => {
    const presetKey = (await world.customer.client.CreateEncryptedKey()).EncryptedKey!;
    await stranger().CreateEncryptedKey();
    const DataKey = Buffer.from(unique('k')).toString('base64');
    const added = await world.customer.client.AddDevice({ DeviceName: unique('enc'), DataKey, Encrypted: true });
    const bytes = Buffer.from(added.DataKey!, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(presetKey, 'base64'), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    expect(Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8')).toBe(DataKey);
    expect((await stranger().GetPublicKey()).PublicKey).not.toBe((await world.customer.client.GetPublicKey()).PublicKey);
  });
});
