import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../support/server.ts';
import { openWorld, recent, unique, type World } from './support.ts';

describe.each(DIALECTS)('MNA groups, happy paths (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld(dialect);
  });
  afterAll(() => world?.close());

  const addDevices = async (prefix: string, n: number) => {
    const ids: string[] = [];
    for (let i = 1; i <= n; i++) ids.push((await world.customer.client.AddDevice({ DeviceName: `${prefix}-${i}` })).DeviceId!);
    return ids;
  };

  it('AddGroup returns a GroupId that GetGroupDetail describes with the GroupInfo fields', async () => {
    const name = unique('grp');
    const { GroupId } = await world.customer.client.AddGroup({ GroupName: name, Description: 'AddGroup info' });
    expect(GroupId).toMatch(/^cliGrp-[a-z0-9]{10}$/);
    const detail = await world.customer.client.GetGroupDetail({ GroupId: GroupId!, PageNumber: 1, PageSize: 10 });
    expect(detail.GroupInfo).toEqual({ GroupId, GroupName: name, CreateTime: recent('ms'), UpdateTime: detail.GroupInfo!.CreateTime, Description: 'AddGroup info', DeviceNum: 0 });
    expect(detail).toMatchObject({ DeviceInfos: [], Length: 0, TotalPage: 0 });
  });

  it('GroupAddDevice / GroupDeleteDevice move devices and answer the group size', async () => {
    const prefix = unique('member');
    const ids = await addDevices(prefix, 3);
    const { GroupId } = await world.customer.client.AddGroup({ GroupName: unique('g') });
    expect((await world.customer.client.GroupAddDevice({ GroupId: GroupId!, DeviceList: ids })).DeviceNum).toBe(3);
    const detail = await world.customer.client.GetGroupDetail({ GroupId: GroupId!, PageNumber: 1, PageSize: 2, KeyWord: prefix });
    expect([detail.GroupInfo!.DeviceNum, detail.Length, detail.TotalPage]).toEqual([3, 3, 2]);
    expect(detail.DeviceInfos!.map((d) => [d.DeviceId, d.GroupId, d.GroupName])).toEqual(ids.slice(0, 2).map((id) => [id, GroupId, detail.GroupInfo!.GroupName]));

    expect((await world.customer.client.GroupDeleteDevice({ GroupId: GroupId!, DeviceList: [ids[0]!] })).DeviceNum).toBe(2);
    const { DeviceDetails } = await world.customer.client.GetDevice({ DeviceId: ids[0]! });
    expect(DeviceDetails!.DeviceBaseInfo).toMatchObject({ GroupId: '', GroupName: '' });
  });

  it('a device is in at most one group: adding it elsewhere moves it, removing it from a group it left changes nothing', async () => {
    const [id] = await addDevices(unique('mover'), 1);
    const first = (await world.customer.client.AddGroup({ GroupName: unique('first') })).GroupId!;
    const second = (await world.customer.client.AddGroup({ GroupName: unique('second') })).GroupId!;
    await world.customer.client.GroupAddDevice({ GroupId: first, DeviceList: [id!] });
    await world.customer.client.GroupAddDevice({ GroupId: second, DeviceList: [id!] });
    expect((await world.customer.client.GroupDeleteDevice({ GroupId: first, DeviceList: [id!] })).DeviceNum).toBe(0);
    expect((await world.customer.client.GetDevice({ DeviceId: id! })).DeviceDetails!.DeviceBaseInfo!.GroupId).toBe(second);
  });

  it('GetGroupList pages with device counts and matches Keyword on the name', async () => {
    const prefix = unique('listed');
    const ids = await addDevices(unique('counted'), 2);
    const groups = [];
    for (const n of [1, 2, 3]) groups.push((await world.customer.client.AddGroup({ GroupName: `${prefix}-${n}` })).GroupId!);
    await world.customer.client.GroupAddDevice({ GroupId: groups[1]!, DeviceList: ids });
    const page = await world.customer.client.GetGroupList({ PageNumber: 1, PageSize: 2, Keyword: prefix.toUpperCase() });
    expect([page.Length, page.TotalPage]).toEqual([3, 2]);
    expect(page.GroupInfos!.map((g) => [g.GroupName, g.DeviceNum])).toEqual([
      [`${prefix}-1`, 0],
      [`${prefix}-2`, 2],
    ]);
    const all = await world.customer.client.GetGroupList({ PageNumber: -1, PageSize: -1, Keyword: prefix });
    expect(all.GroupInfos!.map((g) => g.GroupId)).toEqual(groups);
  });

  it('UpdateGroup sets the description and moves UpdateTime', async () => {
    const { GroupId } = await world.customer.client.AddGroup({ GroupName: unique('upd'), Description: 'before' });
    const before = (await world.customer.client.GetGroupDetail({ GroupId: GroupId!, PageNumber: 1, PageSize: 1 })).GroupInfo!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await world.customer.client.UpdateGroup({ GroupId: GroupId!, Description: 'after' });
    await world.customer.client.UpdateGroup({ GroupId: GroupId! });
    const after = (await world.customer.client.GetGroupDetail({ GroupId: GroupId!, PageNumber: 1, PageSize: 1 })).GroupInfo!;
    expect(after.Description).toBe('after');
    expect(Number(after.UpdateTime)).toBeGreaterThan(Number(before.UpdateTime));
    expect(after.CreateTime).toBe(before.CreateTime);
  });

  it('DeleteGroup deletes the group and leaves its devices ungrouped', async () => {
    const ids = await addDevices(unique('orphan'), 2);
    const { GroupId } = await world.customer.client.AddGroup({ GroupName: unique('doomed') });
    await world.customer.client.GroupAddDevice({ GroupId: GroupId!, DeviceList: ids });
    await world.customer.client.DeleteGroup({ GroupId: GroupId! });
    for (const id of ids) expect((await world.customer.client.GetDevice({ DeviceId: id })).DeviceDetails!.DeviceBaseInfo).toMatchObject({ GroupId: '', GroupName: '' });
  });

  it('AddDevice with a GroupId puts the new device in the group', async () => {
    const { GroupId } = await world.customer.client.AddGroup({ GroupName: unique('direct') });
    const { DeviceId } = await world.customer.client.AddDevice({ DeviceName: unique('grouped'), GroupId });
    const detail = await world.customer.client.GetGroupDetail({ GroupId: GroupId!, PageNumber: -1, PageSize: -1 });
    expect(detail.DeviceInfos!.map((d) => d.DeviceId)).toEqual([DeviceId]);
  });
});
