import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../support/server.ts';
import { openWorld, unique, type World } from './support.ts';
import { expectTencentError } from '../../../support/tencent-harness.ts';

describe.each(DIALECTS)('MNA devices, documented errors (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld(dialect);
  });
  afterAll(() => world?.close());

  it('AddDevice: a DeviceName taken in the account is InternalError.DuplicateDeviceName', async () => {
    const name = unique('dup');
    await world.customer.client.AddDevice({ DeviceName: name });
    await expectTencentError(world.customer.client.AddDevice({ DeviceName: name }), 'InternalError.DuplicateDeviceName');
  });

  it('AddDevice: a DataKey another device of the account uses is InternalError.DuplicateDataKey', async () => {
    const DataKey = Buffer.from(unique('shared-key')).toString('base64');
    await world.customer.client.AddDevice({ DeviceName: unique('a'), DataKey });
    await expectTencentError(world.customer.client.AddDevice({ DeviceName: unique('b'), DataKey }), 'InternalError.DuplicateDataKey');
    // DataKeys are unique per account, not across accounts.
    await expect(world.stranger.client.AddDevice({ DeviceName: unique('c'), DataKey })).resolves.toBeDefined();
  });

  it('AddDevice: Encrypted without a preset key is InternalError.UndefinedEncryptedKey', async () => {
    const fresh = await world.party();
    await expectTencentError(fresh.client.AddDevice({ DeviceName: unique('enc'), Encrypted: true }), 'InternalError.UndefinedEncryptedKey');
    expect((await fresh.client.GetDevices({ PageNumber: -1, PageSize: -1 })).Length).toBe(0);
  });

  it('AddDevice: bad values are InvalidParameterValue naming the parameter', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ DeviceName: '' }, 'DeviceName'],
      [{ DeviceName: 'x'.repeat(65) }, 'DeviceName'],
      [{ DataKey: 'k'.repeat(129) }, 'DataKey'],
      [{ DataKey: 'two\nlines' }, 'DataKey'],
      [{ AccessScope: 5 }, 'AccessScope'],
      [{ LicensePayMode: -1 }, 'LicensePayMode'],
      [{ FlowTrunc: 2 }, 'FlowTrunc'],
      [{ Remark: 'r'.repeat(257) }, 'Remark'],
      [{ GroupId: 'cliGrp-missing000' }, 'GroupId'],
    ];
    for (const [extra, name] of cases) {
      const error = await expectTencentError(world.customer.client.AddDevice({ DeviceName: unique('v'), ...extra }), 'InvalidParameterValue');
      expect(error.message, JSON.stringify(extra)).toContain(`\`${name}\``);
    }
  });

  it('GetDevice / UpdateDevice / DeleteDevice: an unknown DeviceId is InvalidParameterValue', async () => {
    const DeviceId = 'mna-0000000000';
    await expectTencentError(world.customer.client.GetDevice({ DeviceId }), 'InvalidParameterValue');
    await expectTencentError(world.customer.client.UpdateDevice({ DeviceId, Remark: 'x' }), 'InvalidParameterValue');
    await expectTencentError(world.customer.client.UpdateDevice({ DeviceId }), 'InvalidParameterValue');
    await expectTencentError(world.customer.client.UpdateDevice({ DeviceId, UpdateNetInfo: [{ NetInfoName: 'eth0' }] }), 'InvalidParameterValue');
    await expectTencentError(world.customer.client.DeleteDevice({ DeviceId }), 'InvalidParameterValue');
  });

  it('UpdateDevice: a taken DeviceName is InternalError.DuplicateDeviceName and nothing else changes', async () => {
    const [taken, mine] = [unique('taken'), unique('mine')];
    await world.customer.client.AddDevice({ DeviceName: taken });
    const { DeviceId } = await world.customer.client.AddDevice({ DeviceName: mine, Remark: 'before' });
    await expectTencentError(
      world.customer.client.UpdateDevice({ DeviceId: DeviceId!, DeviceName: taken, Remark: 'after', UpdateNetInfo: [{ NetInfoName: 'eth9' }] }),
      'InternalError.DuplicateDeviceName',
    );
    const { DeviceDetails } = await world.customer.client.GetDevice({ DeviceId: DeviceId! });
    expect(DeviceDetails!.DeviceBaseInfo).toMatchObject({ DeviceName: mine, Remark: 'before' });
    expect(DeviceDetails!.DeviceNetInfo).toEqual([]);
  });

  it('UpdateDevice: bad values are InvalidParameterValue', async () => {
    const { DeviceId } = await world.customer.client.AddDevice({ DeviceName: unique('u') });
    const cases: [Record<string, unknown>, string][] = [
      [{ DeviceName: 'a b' }, 'DeviceName'],
      [{ FlowTrunc: 3 }, 'FlowTrunc'],
      [{ UpdateNetInfo: [{ Type: 1 }] }, 'UpdateNetInfo.0.NetInfoName'],
      [{ UpdateNetInfo: [{ NetInfoName: 'eth0' }, { NetInfoName: 'eth1', Type: 7 }] }, 'UpdateNetInfo.1.Type'],
      [{ UpdateNetInfo: [{ NetInfoName: 'eth0', UploadLimit: -1 }] }, 'UpdateNetInfo.0.UploadLimit'],
    ];
    for (const [extra, name] of cases) {
      const error = await expectTencentError(world.customer.client.UpdateDevice({ DeviceId: DeviceId!, ...extra }), 'InvalidParameterValue');
      expect(error.message, JSON.stringify(extra)).toContain(`\`${name}\``);
    }
  });

  it('GetDevices: bad paging or DeviceType is InvalidParameterValue', async () => {
    await expectTencentError(world.customer.client.GetDevices({ PageNumber: -1, PageSize: 10 }), 'InvalidParameterValue');
    await expectTencentError(world.customer.client.GetDevices({ PageNumber: 1, PageSize: 0 }), 'InvalidParameterValue');
    await expectTencentError(world.customer.client.GetDevices({ PageNumber: 1, PageSize: 10, DeviceType: 3 }), 'InvalidParameterValue');
  });

  it('GetDevicePayMode: an unknown device is OperationDenied.DeviceNotFound, an empty list InvalidParameter', async () => {
    const { DeviceId } = await world.customer.client.AddDevice({ DeviceName: unique('p') });
    const error = await expectTencentError(world.customer.client.GetDevicePayMode({ DeviceIdList: [DeviceId!, 'mna-unknown000'] }), 'OperationDenied.DeviceNotFound');
    expect(error.message).toContain('mna-unknown000');
    await expectTencentError(world.customer.client.GetDevicePayMode({ DeviceIdList: [] }), 'InvalidParameter');
    await expectTencentError(world.customer.client.GetDevicePayMode({ DeviceIdList: Array.from({ length: 101 }, () => DeviceId!) }), 'InvalidParameter');
  });
});
