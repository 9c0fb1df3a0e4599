import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../support/server.ts';
import { expectTencentError } from '../../../support/tencent-harness.ts';
import { openWorld, unique, type World } from './support.ts';

describe.each(DIALECTS)('IoT Hub products through the official SDKs (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld(dialect);
  });
  afterAll(() => world?.close());

  it('CreateProduct answers a 10-character uppercase ProductId, the name and the properties with a generated ProductSecret', async () => {
    const name = unique('fruit');
    const created = await world.owner.client.CreateProduct({ ProductName: name, ProductProperties: { ProductDescription: 'test', EncryptionType: '2', ProductType: 0, Format: 'json' } });
    expect(created.ProductId).toMatch(/^[A-Z0-9]{10}$/);
    expect(created.ProductName).toBe(name);
    expect(created.ProductProperties).toMatchObject({ ProductDescription: 'test', EncryptionType: '2', Region: 'gz', ProductType: 0, Format: 'json', RegisterType: 0, RegisterLimit: 0, ForbiddenStatus: 0 });
    expect(created.ProductProperties!.ProductSecret).toMatch(/^[A-Za-z0-9]{24}$/);
  });

  it('CreateProduct defaults to a certificate product and refuses a name the account already has', async () => {
    const name = unique('dup');
    const created = await world.owner.client.CreateProduct({ ProductName: name });
    expect(created.ProductProperties!.EncryptionType).toBe('1');
    await expectTencentError(world.owner.client.CreateProduct({ ProductName: name }), 'InvalidParameterValue.ProductAlreadyExist');
    // Names are unique per account, not platform-wide.
    expect((await world.stranger.client.CreateProduct({ ProductName: name })).ProductName).toBe(name);
  });

  it('UpdateProductDynamicRegister (seed) answers RegisterType, the ProductSecret and RegisterLimit, over TC3 and the intl-en SDK', async () => {
    const { ProductId, ProductProperties } = await world.owner.client.CreateProduct({ ProductName: unique('dyn'), ProductProperties: { EncryptionType: '2' } });
    const answer = await world.owner.client.UpdateProductDynamicRegister({ ProductId: ProductId!, RegisterType: 2, RegisterLimit: 10 });
    expect(answer).toEqual({ RegisterType: 2, ProductSecret: ProductProperties!.ProductSecret, RegisterLimit: 10, RequestId: expect.any(String) });
    const intlAnswer = await world.owner.intl('UpdateProductDynamicRegister', { ProductId, RegisterType: 0, RegisterLimit: 10 });
    expect(intlAnswer).toMatchObject({ RegisterType: 0, ProductSecret: ProductProperties!.ProductSecret, RegisterLimit: 10 });
  });

  it('UpdateProductDynamicRegister refuses unknown and foreign products, values out of range and wrong types', async () => {
    const { ProductId } = await world.owner.client.CreateProduct({ ProductName: unique('dynerr') });
    await expectTencentError(world.stranger.client.UpdateProductDynamicRegister({ ProductId: ProductId!, RegisterType: 1, RegisterLimit: 1 }), 'ResourceNotFound.ProductNotExist');
    await expectTencentError(world.owner.client.UpdateProductDynamicRegister({ ProductId: 'NOSUCHPROD', RegisterType: 1, RegisterLimit: 1 }), 'ResourceNotFound.ProductNotExist');
    await expectTencentError(world.owner.client.UpdateProductDynamicRegister({ ProductId: ProductId!, RegisterType: 3, RegisterLimit: 1 }), 'InvalidParameterValue');
    await expectTencentError(world.owner.client.UpdateProductDynamicRegister({ ProductId: ProductId!, RegisterType: 1, RegisterLimit: -1 }), 'InvalidParameterValue');
    await expectTencentError(world.owner.client.UpdateProductDynamicRegister({ ProductId: ProductId!, RegisterType: 'x' as unknown as number, RegisterLimit: 1 }), 'InvalidParameter');
  });

  it('UpdateProductDynamicRegister refuses NB-IoT products (InvalidParameterValue.ProductTypeNotSupport)', async () => {
    const { ProductId } = await world.owner.client.CreateProduct({ ProductName: unique('nb'), ProductProperties: { ProductType: 2 } });
    await expectTencentError(world.owner.client.UpdateProductDynamicRegister({ ProductId: ProductId!, RegisterType: 1, RegisterLimit: 1 }), 'InvalidParameterValue.ProductTypeNotSupport');
  });
});
