import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../../../support/databases.ts';
import { openTestbed, type Tenant, type Testbed } from './support.ts';
import { expectDocumentedShape } from './shape.ts';
import { type Body, expectAlibabaError } from '../../../support/alibaba-harness.ts';

describe.each(STORE_KINDS)('IoT devices, happy paths (%s)', (kind) => {
  let bed: Testbed;
  let tenant: Tenant;
  let productKey: string;
  beforeAll(async () => {
    bed = await openTestbed(kind);
    tenant = await bed.tenant();
    productKey = (await tenant.call('CreateProduct', { ProductName: 'gateway_box', NodeType: 1 }, 'cn-shanghai')).ProductKey;
  });
  afterAll(() => bed.close());

  it('RegisterDevice returns a generated 32-character DeviceSecret and an IotId', async () => {
    const body = await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'box-01@site.a:1', Nickname: '一号_box' });
    expectDocumentedShape('RegisterDevice', body);
    expect(body).toEqual({
      Success: true,
      Data: {
        DeviceName: 'box-01@site.a:1',
        DeviceSecret: expect.stringMatching(/^[0-9a-f]{32}$/),
        IotId: expect.stringMatching(/^[A-Za-z0-9]{26}$/),
        Nickname: '一号_box',
        ProductKey: productKey,
      },
    });
  });

  it('RegisterDevice without a DeviceName picks one; two registrations never share a secret', async () => {
    const a = await tenant.call('RegisterDevice', { ProductKey: productKey });
    const b = await tenant.call('RegisterDevice', { ProductKey: productKey });
    expect(a.Data.DeviceName).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(a.Data.DeviceName).not.toBe(b.Data.DeviceName);
    expect(a.Data.DeviceSecret).not.toBe(b.Data.DeviceSecret);
    expect(a.Data.Nickname).toBeUndefined();
  });

  it('QueryDeviceDetail by IotId or by ProductKey + DeviceName: UNACTIVE, Gmt* at UTC+8, Utc* in ISO 8601', async () => {
    bed.clock.now = Date.UTC(2018, 7, 6, 2, 48, 41);
    const registered = await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'detail-me' });
    const byId = await tenant.call('QueryDeviceDetail', { IotId: registered.Data.IotId });
    const byName = await tenant.call('QueryDeviceDetail', { ProductKey: productKey, DeviceName: 'detail-me' });
    expectDocumentedShape('QueryDeviceDetail', byId);
    expect(byName).toEqual(byId);
    expect(byId).toEqual({
      Success: true,
      Data: {
        DeviceName: 'detail-me',
        DeviceSecret: registered.Data.DeviceSecret,
        GmtCreate: '2018-08-06 10:48:41',
        IotId: registered.Data.IotId,
        NodeType: 1,
        Owner: true,
        ProductKey: productKey,
        ProductName: 'gateway_box',
        Region: 'cn-shanghai',
        Status: 'UNACTIVE',
        UtcCreate: '2018-08-06T02:48:41.000Z',
      },
    });
  });

  it('QueryDeviceDetail shows activation and online times once the device side has set them', async () => {
    const registered = await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'connected' });
    const activated = Date.UTC(2026, 0, 2, 16, 30, 0);
    await bed.store.db
      .updateTable('iot_devices')
      .set({ status: 'ONLINE', activated_at: activated, online_at: activated + 1000 })
      .where('iot_id', '=', registered.Data.IotId)
      .execute();
    const { Data } = await tenant.call('QueryDeviceDetail', { IotId: registered.Data.IotId });
    expect(Data).toMatchObject({
      Status: 'ONLINE',
      GmtActive: '2026-01-03 00:30:00',
      UtcActive: '2026-01-02T16:30:00.000Z',
      GmtOnline: '2026-01-03 00:30:01',
      UtcOnline: '2026-01-02T16:30:01.000Z',
    });
  });

  it('QueryDeviceInfo returns identity and secret; IotId wins over ProductKey + DeviceName', async () => {
    const one = await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'info-one', Nickname: 'first_device' });
    await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'info-two' });
    const body = await tenant.call('QueryDeviceInfo', { IotId: one.Data.IotId, ProductKey: productKey, DeviceName: 'info-two' });
    expectDocumentedShape('QueryDeviceInfo', body);
    expect(body).toEqual({ Success: true, Data: one.Data });
  });

  it('QueryDevice pages newest first with top-level paging, and NextToken continues past the offset pages', async () => {
    const lister = await bed.tenant();
    const key = await lister.product();
    const names: string[] = [];
    for (let i = 0; i < 7; i++) {
      bed.clock.now += 1000;
      names.push((await lister.call('RegisterDevice', { ProductKey: key, DeviceName: `list-${i}` })).Data.DeviceName);
    }
    const newestFirst = [...names].reverse();
    const first = await lister.call('QueryDevice', { ProductKey: key, PageSize: 3 });
    expectDocumentedShape('QueryDevice', first);
    expect(first).toMatchObject({ Page: 1, PageSize: 3, PageCount: 3, Total: 7, NextToken: expect.any(String) });
    expect(first.Data.DeviceInfo.map((d: Body) => d.DeviceName)).toEqual(newestFirst.slice(0, 3));
    expect(first.Data.DeviceInfo[0]).toEqual({
      DeviceName: 'list-6',
      DeviceSecret: expect.stringMatching(/^[0-9a-f]{32}$/),
      DeviceStatus: 'UNACTIVE',
      GmtCreate: expect.stringMatching(/^\w{3}, \d{2}-\w{3}-\d{4} \d{2}:\d{2}:\d{2} GMT$/),
      GmtModified: expect.stringMatching(/^\w{3}, \d{2}-\w{3}-\d{4} \d{2}:\d{2}:\d{2} GMT$/),
      IotId: expect.any(String),
      ProductKey: key,
      UtcCreate: new Date(bed.clock.now).toISOString(),
      UtcModified: new Date(bed.clock.now).toISOString(),
    });
    const second = await lister.call('QueryDevice', { ProductKey: key, PageSize: 3, CurrentPage: 2, NextToken: first.NextToken });
    expect(second.Data.DeviceInfo.map((d: Body) => d.DeviceName)).toEqual(newestFirst.slice(3, 6));
    const third = await lister.call('QueryDevice', { ProductKey: key, PageSize: 3, CurrentPage: 3, NextToken: second.NextToken });
    expect(third.Data.DeviceInfo.map((d: Body) => d.DeviceName)).toEqual(newestFirst.slice(6));
    expect(third.NextToken).toBeUndefined();
    const byOffset = await lister.call('QueryDevice', { ProductKey: key, PageSize: 3, CurrentPage: 2 });
    expect(byOffset.Data.DeviceInfo).toEqual(second.Data.DeviceInfo);
    const defaults = await lister.call('QueryDevice', { ProductKey: key });
    expect(defaults).toMatchObject({ Page: 1, PageSize: 10, PageCount: 1, Total: 7 });
  });

  it('QueryDevice GmtCreate reads like "Wed, 20-Feb-2019 02:16:09 GMT"', async () => {
    const lister = await bed.tenant();
    const key = await lister.product();
    bed.clock.now = Date.UTC(2019, 1, 20, 2, 16, 9);
    await lister.call('RegisterDevice', { ProductKey: key, DeviceName: 'dated' });
    const { Data } = await lister.call('QueryDevice', { ProductKey: key });
    expect(Data.DeviceInfo[0].GmtCreate).toBe('Wed, 20-Feb-2019 02:16:09 GMT');
  });

  it('DeleteDevice by IotId or by name: the device is gone and the product count drops', async () => {
    const a = await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'delete-a' });
    await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'delete-b' });
    const before = (await tenant.call('QueryProduct', { ProductKey: productKey })).Data.DeviceCount;
    const body = await tenant.call('DeleteDevice', { IotId: a.Data.IotId });
    expectDocumentedShape('DeleteDevice', body);
    expect(body).toEqual({ Success: true });
    await tenant.call('DeleteDevice', { ProductKey: productKey, DeviceName: 'delete-b' });
    expect((await tenant.call('QueryProduct', { ProductKey: productKey })).Data.DeviceCount).toBe(before - 2);
    await expectAlibabaError(tenant.call('QueryDeviceInfo', { IotId: a.Data.IotId }), 'iot.device.NotExistedDevice');
    // The name is free again, with a new IotId.
    const again = await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'delete-a' });
    expect(again.Data.IotId).not.toBe(a.Data.IotId);
  });
});
