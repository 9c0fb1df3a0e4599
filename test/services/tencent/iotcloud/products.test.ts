import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../support/server.ts';
import { expectTencentError } from '../../../support/tencent-harness.ts';
import { fillCounter, iotcloudClient, openWorld, unique, type World } from './support.ts';

describe.each(DIALECTS)('IoT Hub products through the official SDKs (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld(dialect);
  });
  afterAll(() => world?.close());

  const newProduct = async (properties: Record<string, unknown> = {}) =>
    (await world.owner.client.CreateProduct({ ProductName: unique('p'), ProductProperties: properties })).ProductId!;

  it('CreateProduct answers a 10-character uppercase ProductId, the name and the properties with a generated ProductSecret', async () => {
    const name = unique('fruit');
    const created = await world.owner.client.CreateProduct({ ProductName: name, ProductProperties: { ProductDescription: 'test', EncryptionType: '2', ProductType: 0, Format: 'json' } });
    expect(created.ProductId).toMatch(/^[A-Z0-9]{10}$/);
    expect(created.ProductName).toBe(name);
    expect(created.ProductProperties).toMatchObject({ ProductDescription: 'test', EncryptionType: '2', Region: 'gz', ProductType: 0, Format: 'json', RegisterType: 0, RegisterLimit: 0, ForbiddenStatus: 0 });
    expect(created.ProductProperties!.ProductSecret).toMatch(/^[A-Za-z0-9]{24}$/);
  });

  it('CreateProduct defaults to a certificate product and refuses a name the account already has (names are per account)', async () => {
    const name = unique('dup');
    const created = await world.owner.client.CreateProduct({ ProductName: name });
    expect(created.ProductProperties!.EncryptionType).toBe('1');
    await expectTencentError(world.owner.client.CreateProduct({ ProductName: name }), 'InvalidParameterValue.ProductAlreadyExist');
    expect((await world.stranger.client.CreateProduct({ ProductName: name })).ProductName).toBe(name);
  });

  it('CreateProduct refuses bad names and properties (InvalidParameterValue), LoRa types (ProductTypeNotSupport) and the 2,001st product', async () => {
    const client = world.owner.client;
    await expectTencentError(client.CreateProduct({ ProductName: 'bad name!' }), 'InvalidParameterValue');
    await expectTencentError(client.CreateProduct({ ProductName: unique('e'), ProductProperties: { EncryptionType: '3' } }), 'InvalidParameterValue');
    await expectTencentError(client.CreateProduct({ ProductName: unique('e'), ProductProperties: { ProductSecret: 'mine' } }), 'InvalidParameterValue');
    await expectTencentError(client.CreateProduct({ ProductName: unique('e'), ProductProperties: { RegisterType: 2, RegisterLimit: 1_000_001 } }), 'InvalidParameterValue');
    await expectTencentError(client.CreateProduct({ ProductName: unique('e'), ProductProperties: { ProductType: 4 } }), 'InvalidParameterValue.ProductTypeNotSupport');
    const party = await world.server.createAccount();
    const full = iotcloudClient(world.server, party);
    await full.CreateProduct({ ProductName: unique('first') });
    await fillCounter(world.server, { account: party.id }, 'product_count', 2_000);
    await expectTencentError(full.CreateProduct({ ProductName: unique('over') }), 'LimitExceeded.ProductExceedLimit');
  });

  it('concurrent CreateProduct calls at 1,999 products create exactly one more', async () => {
    const party = await world.server.createAccount();
    const client = iotcloudClient(world.server, party);
    await client.CreateProduct({ ProductName: unique('seed') });
    await fillCounter(world.server, { account: party.id }, 'product_count', 1_999);
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => client.CreateProduct({ ProductName: `race_${i}` })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(Array(5).fill('LimitExceeded.ProductExceedLimit'));
  });

  it('DescribeProduct and DescribeProducts answer ProductInfo; DescribeProducts pages with Limit 10–250', async () => {
    const party = await world.server.createAccount();
    const client = iotcloudClient(world.server, party);
    const ids: string[] = [];
    for (let i = 0; i < 11; i++) ids.push((await client.CreateProduct({ ProductName: `listed_${i}`, ProductProperties: { EncryptionType: '2' } })).ProductId!);
    const one = await client.DescribeProduct({ ProductId: ids[0]! });
    expect(one).toMatchObject({ ProductId: ids[0], ProductName: 'listed_0', ProductMetadata: { CreationDate: expect.any(Number), CreateUserId: Number(party.id), UserId: Number(party.id) }, ProductProperties: { EncryptionType: '2' } });
    expect(Math.abs(one.ProductMetadata!.CreationDate! - Date.now() / 1000)).toBeLessThan(60);
    const first = await client.DescribeProducts({ Offset: 0, Limit: 10 });
    const second = await client.DescribeProducts({ Offset: 10, Limit: 10 });
    expect(first.TotalCount).toBe(11);
    expect([...first.Products!, ...second.Products!].map((p) => p.ProductId)).toEqual(ids);
    await expectTencentError(client.DescribeProducts({ Offset: 0, Limit: 9 }), 'InvalidParameterValue');
    await expectTencentError(client.DescribeProducts({ Offset: 0, Limit: 251 }), 'InvalidParameterValue');
    await expectTencentError(client.DescribeProduct({ ProductId: 'NOSUCHPROD' }), 'ResourceNotFound.ProductNotExist');
  });

  it('DeleteProduct is refused while the product has devices, then deletes it', async () => {
    const productId = await newProduct({ EncryptionType: '2' });
    await world.owner.client.CreateDevice({ ProductId: productId, DeviceName: 'dev1' });
    await expectTencentError(world.owner.client.DeleteProduct({ ProductId: productId }), 'UnauthorizedOperation.DevicesExistUnderProduct');
    await world.owner.client.DeleteDevice({ ProductId: productId, DeviceName: 'dev1' });
    await world.owner.client.DeleteProduct({ ProductId: productId });
    await expectTencentError(world.owner.client.DeleteProduct({ ProductId: productId }), 'ResourceNotFound.ProductNotExist');
  });

  it('SetProductsForbiddenStatus forbids all listed products or none; a forbidden product refuses device actions and registration settings', async () => {
    const [a, b] = [await newProduct({ EncryptionType: '2' }), await newProduct({ EncryptionType: '2' })];
    await expectTencentError(world.owner.client.SetProductsForbiddenStatus({ ProductId: [a, 'NOSUCHPROD'], Status: 1 }), 'ResourceNotFound.ProductNotExist');
    expect((await world.owner.client.DescribeProduct({ ProductId: a })).ProductProperties!.ForbiddenStatus).toBe(0);
    await expectTencentError(world.owner.client.SetProductsForbiddenStatus({ ProductId: [a], Status: 2 }), 'InvalidParameterValue');
    await expectTencentError(world.owner.client.SetProductsForbiddenStatus({ ProductId: [a], Status: 'x' as unknown as number }), 'InvalidParameter');
    await world.owner.client.SetProductsForbiddenStatus({ ProductId: [a, b], Status: 1 });
    expect((await world.owner.client.DescribeProduct({ ProductId: b })).ProductProperties!.ForbiddenStatus).toBe(1);
    await expectTencentError(world.owner.client.CreateDevice({ ProductId: a, DeviceName: 'd' }), 'UnauthorizedOperation.ProductIsForbidden');
    await expectTencentError(world.owner.client.UpdateProductDynamicRegister({ ProductId: a, RegisterType: 2, RegisterLimit: 5 }), 'UnauthorizedOperation.ProductIsForbidden');
    await expectTencentError(world.owner.client.UpdateDevicesEnableState({ ProductId: a, DeviceNames: ['d'], Status: 0 }), 'UnauthorizedOperation.ProductIsForbidden');
    await world.owner.client.SetProductsForbiddenStatus({ ProductId: [a], Status: 0 });
    expect((await world.owner.client.CreateDevice({ ProductId: a, DeviceName: 'd' })).DeviceName).toBe('d');
  });

  it('UpdateProductDynamicRegister (seed) answers RegisterType, the ProductSecret and RegisterLimit, over TC3 and the intl-en SDK', async () => {
    const { ProductId, ProductProperties } = await world.owner.client.CreateProduct({ ProductName: unique('dyn'), ProductProperties: { EncryptionType: '2' } });
    const answer = await world.owner.client.UpdateProductDynamicRegister({ ProductId: ProductId!, RegisterType: 2, RegisterLimit: 10 });
    expect(answer).toEqual({ RegisterType: 2, ProductSecret: ProductProperties!.ProductSecret, RegisterLimit: 10, RequestId: expect.any(String) });
    expect((await world.owner.client.DescribeProduct({ ProductId: ProductId! })).ProductProperties).toMatchObject({ RegisterType: 2, RegisterLimit: 10 });
    const intlAnswer = await world.owner.intl('UpdateProductDynamicRegister', { ProductId, RegisterType: 0, RegisterLimit: 10 });
    expect(intlAnswer).toMatchObject({ RegisterType: 0, ProductSecret: ProductProperties!.ProductSecret, RegisterLimit: 10 });
  });

  it('UpdateProductDynamicRegister refuses unknown and foreign products, values out of range and wrong types', async () => {
    const productId = await newProduct();
    await expectTencentError(world.stranger.client.UpdateProductDynamicRegister({ ProductId: productId, RegisterType: 1, RegisterLimit: 1 }), 'ResourceNotFound.ProductNotExist');
    await expectTencentError(world.owner.client.UpdateProductDynamicRegister({ ProductId: 'NOSUCHPROD', RegisterType: 1, RegisterLimit: 1 }), 'ResourceNotFound.ProductNotExist');
    await expectTencentError(world.owner.client.UpdateProductDynamicRegister({ ProductId: productId, RegisterType: 3, RegisterLimit: 1 }), 'InvalidParameterValue');
    await expectTencentError(world.owner.client.UpdateProductDynamicRegister({ ProductId: productId, RegisterType: 1, RegisterLimit: -1 }), 'InvalidParameterValue');
    await expectTencentError(world.owner.client.UpdateProductDynamicRegister({ ProductId: productId, RegisterType: 'x' as unknown as number, RegisterLimit: 1 }), 'InvalidParameter');
  });

  it('UpdateProductDynamicRegister refuses NB-IoT products (InvalidParameterValue.ProductTypeNotSupport)', async () => {
    const productId = await newProduct({ ProductType: 2 });
    await expectTencentError(world.owner.client.UpdateProductDynamicRegister({ ProductId: productId, RegisterType: 1, RegisterLimit: 1 }), 'InvalidParameterValue.ProductTypeNotSupport');
  });
});
