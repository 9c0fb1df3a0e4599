import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../../../support/databases.ts';
import { openTestbed, type Tenant, type Testbed } from './support.ts';
import { expectDocumentedShape } from './shape.ts';
import { expectAlibabaError } from '../../../support/alibaba-harness.ts';

describe.each(STORE_KINDS)('IoT products, happy paths (%s)', (kind) => {
  let bed: Testbed;
  let tenant: Tenant;
  beforeAll(async () => {
    bed = await openTestbed(kind);
    tenant = await bed.tenant();
  });
  afterAll(() => bed.close());

  it('CreateProduct returns a fresh ProductKey and ProductSecret, top-level and in Data', async () => {
    const body = await tenant.call('CreateProduct', { ProductName: 'Street_light', NodeType: 1, Description: 'lamps on poles' }, 'cn-shanghai');
    expectDocumentedShape('CreateProduct', body);
    expect(body.Success).toBe(true);
    expect(body.Code).toBeUndefined();
    expect(body.ProductKey).toMatch(/^[A-Za-z0-9]{11}$/);
    expect(body.Data).toEqual({
      AliyunCommodityCode: 'iothub',
      AuthType: 'secret',
      Description: 'lamps on poles',
      Id2: false,
      NodeType: 1,
      ProductKey: body.ProductKey,
      ProductName: 'Street_light',
      ProductSecret: expect.stringMatching(/^[A-Za-z0-9]{16}$/),
    });
  });

  it('a TSL product keeps its DataFormat and ProtocolType, and a Chinese name counts two per character', async () => {
    const body = await tenant.call('CreateProduct', {
      ProductName: '智能灯泡_01',
      NodeType: 0,
      AliyunCommodityCode: 'iothub_senior',
      DataFormat: 1,
      ProtocolType: 'modbus',
      NetType: 'CELLULAR',
      ValidateType: 2,
      CategoryKey: 'Lighting',
    });
    expect(body.Data).toMatchObject({ AliyunCommodityCode: 'iothub_senior', DataFormat: 1, ProtocolType: 'modbus', ProductName: '智能灯泡_01' });
    const query = await tenant.call('QueryProduct', { ProductKey: body.ProductKey });
    expect(query.Data).toMatchObject({ NetType: 6, ValidateType: 2, CategoryKey: 'Lighting', DataFormat: 1 });
  });

  it('QueryProduct returns the stored product with integer NetType, epoch-ms GmtCreate and its device count', async () => {
    const created = await tenant.call('CreateProduct', { ProductName: 'thermo_meter', NodeType: 0, NetType: 'ETHERNET' }, 'cn-hangzhou');
    await tenant.call('RegisterDevice', { ProductKey: created.ProductKey, DeviceName: 'meter-1' });
    const body = await tenant.call('QueryProduct', { ProductKey: created.ProductKey });
    expectDocumentedShape('QueryProduct', body);
    expect(body).toEqual({
      Success: true,
      Data: {
        AliyunCommodityCode: 'iothub',
        AuthType: 'secret',
        DeviceCount: 1,
        GmtCreate: bed.clock.now,
        Id2: false,
        NetType: 7,
        NodeType: 0,
        Owner: true,
        ProductKey: created.ProductKey,
        ProductName: 'thermo_meter',
        ProductSecret: created.Data.ProductSecret,
        ProductStatus: 'DEVELOPMENT_STATUS',
        ValidateType: 1,
      },
    });
  });

  it('QueryProductList pages newest first with paging inside Data, filters by commodity code, and answers an empty page past the end', async () => {
    const lister = await bed.tenant();
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) {
      bed.clock.now += 1000;
      keys.push(await lister.product(i === 4 ? { AliyunCommodityCode: 'iothub_senior', DataFormat: 0 } : {}));
    }
    const first = await lister.call('QueryProductList', { CurrentPage: 1, PageSize: 2 });
    expectDocumentedShape('QueryProductList', first);
    expect(first.Data).toMatchObject({ CurrentPage: 1, PageSize: 2, PageCount: 3, Total: 5 });
    expect(first.Data.List.ProductInfo.map((p: { ProductKey: string }) => p.ProductKey)).toEqual([keys[4], keys[3]]);
    expect(first.Data.List.ProductInfo[0]).toEqual({
      AuthType: 'secret',
      DataFormat: 0,
      DeviceCount: 0,
      GmtCreate: bed.clock.now,
      NodeType: 0,
      ProductKey: keys[4],
      ProductName: expect.any(String),
    });
    const last = await lister.call('QueryProductList', { CurrentPage: 3, PageSize: 2 });
    expect(last.Data.List.ProductInfo.map((p: { ProductKey: string }) => p.ProductKey)).toEqual([keys[0]]);
    const beyond = await lister.call('QueryProductList', { CurrentPage: 9, PageSize: 2 });
    expect(beyond.Data).toMatchObject({ CurrentPage: 9, Total: 5, List: { ProductInfo: [] } });
    const senior = await lister.call('QueryProductList', { CurrentPage: 1, PageSize: 10, AliyunCommodityCode: 'iothub_senior' });
    expect(senior.Data.Total).toBe(1);
    const basic = await lister.call('QueryProductList', { CurrentPage: 1, PageSize: 10, AliyunCommodityCode: 'iothub' });
    expect(basic.Data.Total).toBe(4);
  });

  it('UpdateProduct renames, sets and clears the description, and keeps it when Description is absent', async () => {
    const productKey = await tenant.product({ Description: 'first' });
    const renamed = await tenant.call('UpdateProduct', { ProductKey: productKey, ProductName: 'renamed_product' });
    expectDocumentedShape('UpdateProduct', renamed);
    expect(renamed).toEqual({ Success: true });
    expect((await tenant.call('QueryProduct', { ProductKey: productKey })).Data).toMatchObject({ ProductName: 'renamed_product', Description: 'first' });
    await tenant.call('UpdateProduct', { ProductKey: productKey, ProductName: 'renamed_product', Description: 'second' });
    expect((await tenant.call('QueryProduct', { ProductKey: productKey })).Data.Description).toBe('second');
    await tenant.call('UpdateProduct', { ProductKey: productKey, ProductName: 'renamed_product', Description: '' });
    expect((await tenant.call('QueryProduct', { ProductKey: productKey })).Data.Description).toBeUndefined();
  });

  it('DeleteProduct removes the product with its devices, and its name can be used again', async () => {
    const productKey = await tenant.product({ ProductName: 'short_lived' });
    const device = await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'doomed' });
    const deleted = await tenant.call('DeleteProduct', { ProductKey: productKey });
    expectDocumentedShape('DeleteProduct', deleted);
    expect(deleted).toEqual({ Success: true });
    await expectAlibabaError(tenant.call('QueryProduct', { ProductKey: productKey }), 'iot.prod.NotExistedProduct');
    await expectAlibabaError(tenant.call('QueryDeviceInfo', { IotId: device.Data.IotId }), 'iot.device.NotExistedDevice');
    expect(await bed.store.db.selectFrom('iot_devices').select('iot_id').where('product_key', '=', productKey).execute()).toEqual([]);
    await tenant.product({ ProductName: 'short_lived' });
  });

  it('products of an Enterprise instance are addressed with its IotInstanceId; names are unique per instance', async () => {
    const instance = await tenant.instance();
    const inDefault = await tenant.product({ ProductName: 'same_name' });
    const inInstance = await tenant.product({ ProductName: 'same_name', IotInstanceId: instance });
    expect(inInstance).not.toBe(inDefault);
    expect((await tenant.call('QueryProduct', { ProductKey: inInstance, IotInstanceId: instance })).Data.ProductName).toBe('same_name');
    const listed = await tenant.call('QueryProductList', { CurrentPage: 1, PageSize: 50, IotInstanceId: instance });
    expect(listed.Data.List.ProductInfo.map((p: { ProductKey: string }) => p.ProductKey)).toEqual([inInstance]);
    // An empty IotInstanceId is no IotInstanceId (pop-core sends `IotInstanceId=` for '').
    expect((await tenant.call('QueryProduct', { ProductKey: inDefault, IotInstanceId: '' })).Data.ProductKey).toBe(inDefault);
  });
});
