import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../support/server.ts';
import { openWorld, unique, type World } from './support.ts';
import { expectTencentError } from '../../../support/tencent-harness.ts';

describe.each(DIALECTS)('MNA groups, documented errors (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld(dialect);
  });
  afterAll(() => world?.close());

  it('AddGroup: a name the account already uses, or a malformed one, is InvalidParameterValue', async () => {
    const name = unique('twice');
    await world.customer.client.AddGroup({ GroupName: name });
    const error = await expectTencentError(world.customer.client.AddGroup({ GroupName: name }), 'InvalidParameterValue');
    expect(error.message).toContain('`GroupName`');
    await expectTencentError(world.customer.client.AddGroup({ GroupName: '' }), 'InvalidParameterValue');
    await expectTencentError(world.customer.client.AddGroup({ GroupName: unique('d'), Description: 'd'.repeat(257) }), 'InvalidParameterValue');
    await expect(world.stranger.client.AddGroup({ GroupName: name })).resolves.toBeDefined();
  });

  it('every action naming an unknown GroupId answers InvalidParameterValue', async () => {
    const GroupId = 'cliGrp-0000000000';
    const { DeviceId } = await world.customer.client.AddDevice({ DeviceName: unique('d') });
    const { client } = world.customer;
    const calls = [
      () => client.GetGroupDetail({ GroupId, PageNumber: 1, PageSize: 10 }),
      () => client.GroupAddDevice({ GroupId, DeviceList: [DeviceId!] }),
      () => client.GroupDeleteDevice({ GroupId, DeviceList: [DeviceId!] }),
      () => client.UpdateGroup({ GroupId, Description: 'x' }),
      () => client.UpdateGroup({ GroupId }),
      () => client.DeleteGroup({ GroupId }),
    ];
    for (const call of calls) {
      const error = await expectTencentError(call(), 'InvalidParameterValue');
      expect(error.message).toContain('`GroupId`');
    }
  });

  it('GroupAddDevice: an unknown device is InvalidParameterValue and no listed device moves', async () => {
    const { GroupId } = await world.customer.client.AddGroup({ GroupName: unique('g') });
    const { DeviceId } = await world.customer.client.AddDevice({ DeviceName: unique('d') });
    const error = await expectTencentError(world.customer.client.GroupAddDevice({ GroupId: GroupId!, DeviceList: [DeviceId!, 'mna-unknown000'] }), 'InvalidParameterValue');
    expect(error.message).toContain('`DeviceList.1`');
    expect((await world.customer.client.GetGroupDetail({ GroupId: GroupId!, PageNumber: 1, PageSize: 1 })).GroupInfo!.DeviceNum).toBe(0);
    await expectTencentError(world.customer.client.GroupAddDevice({ GroupId: GroupId!, DeviceList: [] }), 'InvalidParameterValue');
    await expectTencentError(world.customer.client.GroupDeleteDevice({ GroupId: GroupId!, DeviceList: ['mna-unknown000'] }), 'InvalidParameterValue');
  });

  it('GetGroupList / GetGroupDetail: bad paging is InvalidParameterValue', async () => {
    const { GroupId } = await world.customer.client.AddGroup({ GroupName: unique('p') });
    await expectTencentError(world.customer.client.GetGroupList({ PageNumber: 0, PageSize: 10 }), 'InvalidParameterValue');
    await expectTencentError(world.customer.client.GetGroupDetail({ GroupId: GroupId!, PageNumber: 1, PageSize: -1 }), 'InvalidParameterValue');
  });
});
