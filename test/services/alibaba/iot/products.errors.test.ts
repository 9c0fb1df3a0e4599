import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../../../support/databases.ts';
import { MAX_PRODUCTS_PER_INSTANCE } from '../../../../src/services/alibaba/iot/store/products.ts';
import { openTestbed, type Tenant, type Testbed } from './support.ts';
import { expectAlibabaError } from '../../../support/alibaba-harness.ts';

describe.each(STORE_KINDS)('IoT products, documented errors (%s)', (kind) => {
  let bed: Testbed;
  let tenant: Tenant;
  let productKey: string;
  beforeAll(async () => {
    bed = await openTestbed(kind);
    tenant = await bed.tenant();
    productKey = await tenant.product({ ProductName: 'existing_one' });
  });
  afterAll(() => bed.close());

  const create = (params: Record<string, unknown>) => tenant.call('CreateProduct', { ProductName: 'fine_name', NodeType: 0, ...params });

  it.each([
    ['', 'iot.prod.NullProductName'],
    ['abc', 'iot.prod.InvalidFormattedProductName'],
    ['a'.repeat(31), 'iot.prod.InvalidFormattedProductName'],
    ['has space', 'iot.prod.InvalidFormattedProductName'],
    ['dash-ed', 'iot.prod.InvalidFormattedProductName'],
    // 16 Chinese characters weigh 32 > 30.
    ['灯'.repeat(16), 'iot.prod.InvalidFormattedProductName'],
  ])('CreateProduct named %j fails with %s', async (name, code) => {
    await expectAlibabaError(create({ ProductName: name }), code);
  });

  it('accepts the boundary names: 4 and 30 characters, 15 Chinese characters', async () => {
    for (const name of ['abcd', 'b'.repeat(30), '灯'.repeat(15)]) await tenant.product({ ProductName: name });
  });

  it.each([
    [{ NodeType: 2 }, 'iot.prod.InvalidNodeType'],
    [{ Description: 'd'.repeat(101) }, 'iot.prod.LongProductDesc'],
    [{ AliyunCommodityCode: 'iothub_pro' }, 'iot.prod.InvalidAliyunCommodityCode'],
    [{ AliyunCommodityCode: 'iothub_senior' }, 'iot.common.InvalidFormattedParameter'],
    [{ DataFormat: 2 }, 'iot.common.InvalidFormattedParameter'],
    [{ AuthType: 'id2' }, 'iot.prod.NotOpenID2Service'],
    [{ Id2: true }, 'iot.prod.NotOpenID2Service'],
    [{ AuthType: 'x509' }, 'iot.common.InvalidFormattedParameter'],
    [{ NetType: 'LORA' }, 'iot.common.InvalidFormattedParameter'],
    [{ ProtocolType: 'can' }, 'iot.common.InvalidFormattedParameter'],
    [{ ValidateType: 0 }, 'iot.common.InvalidFormattedParameter'],
    [{ CategoryKey: 'not a key' }, 'iot.prod.InvalidFormattedCatId'],
    [{ IotInstanceId: 'iot-00000000' }, 'iot.system.InstanceNotFound'],
  ])('CreateProduct with %j fails with %s', async (params, code) => {
    await expectAlibabaError(create(params), code);
  });

  it('product names are unique per instance: CreateProduct and UpdateProduct answer iot.prod.AlreadyExistedProductName', async () => {
    await expectAlibabaError(create({ ProductName: 'existing_one' }), 'iot.prod.AlreadyExistedProductName');
    const other = await tenant.product();
    await expectAlibabaError(tenant.call('UpdateProduct', { ProductKey: other, ProductName: 'existing_one' }), 'iot.prod.AlreadyExistedProductName');
    // Renaming a product to its own name is no conflict.
    await tenant.call('UpdateProduct', { ProductKey: productKey, ProductName: 'existing_one' });
  });

  it.each([
    [{ ProductName: '' }, 'iot.prod.NullProductName'],
    [{ ProductName: 'x' }, 'iot.prod.InvalidFormattedProductName'],
    [{ ProductName: 'long_desc', Description: 'd'.repeat(101) }, 'iot.prod.LongProductDesc'],
  ])('UpdateProduct with %j fails with %s', async (params, code) => {
    await expectAlibabaError(tenant.call('UpdateProduct', { ProductKey: productKey, ...params }), code);
  });

  it.each([
    ['', 'iot.prod.NullProductKey'],
    ['short', 'iot.prod.InvalidFormattedProductkey'],
    ['a1BwAGV1234', 'iot.prod.NotExistedProduct'],
  ])('ProductKey %j fails every product action with %s', async (key, code) => {
    await expectAlibabaError(tenant.call('QueryProduct', { ProductKey: key }), code);
    await expectAlibabaError(tenant.call('UpdateProduct', { ProductKey: key, ProductName: 'whatever_name' }), code);
    await expectAlibabaError(tenant.call('DeleteProduct', { ProductKey: key }), code);
  });

  it.each([
    [{ CurrentPage: 0, PageSize: 10 }],
    [{ CurrentPage: 1, PageSize: 0 }],
    [{ CurrentPage: 1, PageSize: 201 }],
  ])('QueryProductList with %j fails with iot.common.InvalidPageParams', async (params) => {
    await expectAlibabaError(tenant.call('QueryProductList', params), 'iot.common.InvalidPageParams');
  });

  it('QueryProductList rejects an unknown commodity code filter and an unknown instance', async () => {
    await expectAlibabaError(tenant.call('QueryProductList', { CurrentPage: 1, PageSize: 10, AliyunCommodityCode: 'x' }), 'iot.prod.InvalidAliyunCommodityCode');
    await expectAlibabaError(tenant.call('QueryProductList', { CurrentPage: 1, PageSize: 10, IotInstanceId: 'iot-00000000' }), 'iot.system.InstanceNotFound');
  });

  it(`an instance holds ${MAX_PRODUCTS_PER_INSTANCE} products: of concurrent creations at the limit exactly one wins`, async () => {
    const full = await bed.tenant();
    const instance = await full.instance();
    await full.product({ IotInstanceId: instance });
    // Fill the counter rather than create 998 products: the counter is what the quota reads.
    await bed.store.db.updateTable('iot_instances').set({ product_count: MAX_PRODUCTS_PER_INSTANCE - 1 }).where('id', '=', instance).execute();
    const attempts = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => full.call('CreateProduct', { ProductName: `race_${i}`, NodeType: 0, IotInstanceId: instance })),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    expect(attempts.map((a) => (a.status === 'rejected' ? (a.reason as { code: string }).code : 'ok')).sort()).toEqual([
      ...Array(5).fill('iot.prod.ProductCountExceedMax'),
      'ok',
    ]);
    // Deleting a product gives its place back.
    const listed = await full.call('QueryProductList', { CurrentPage: 1, PageSize: 1, IotInstanceId: instance });
    await full.call('DeleteProduct', { ProductKey: listed.Data.List.ProductInfo[0].ProductKey, IotInstanceId: instance });
    await full.product({ IotInstanceId: instance });
  });

  it('of concurrent creations with one name exactly one wins', async () => {
    const racer = await bed.tenant();
    const attempts = await Promise.allSettled(Array.from({ length: 5 }, () => racer.call('CreateProduct', { ProductName: 'contested', NodeType: 0 })));
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    for (const a of attempts) if (a.status === 'rejected') expect((a.reason as { code: string }).code).toBe('iot.prod.AlreadyExistedProductName');
    const count = await bed.store.db.selectFrom('iot_instances').select('product_count').where('account_id', '=', racer.accountId).executeTakeFirstOrThrow();
    expect(count.product_count).toBe(1);
  });
});
