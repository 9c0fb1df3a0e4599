import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../support/server.ts';
import { expectTencentError } from '../../../support/tencent-harness.ts';
import { iotcloudProduct } from '../../../../src/services/tencent/iotcloud/index.ts';
import { iotcloudClient, openWorld, unique, type World } from './support.ts';
import { selfSigned } from './ca-fixtures.ts';

describe.each(DIALECTS)('IoT Hub: every action through tencentcloud-sdk-nodejs-intl-en, HmacSHA256 through 4.x, tenant isolation (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld(dialect);
  });
  afterAll(() => world?.close());

  it('the intl-en SDK (v1 HmacSHA256, typed models) runs all 20 international actions', async () => {
    const call = world.owner.intl;
    const used = new Set<string>();
    const run = async (action: string, params: Record<string, unknown>) => {
      used.add(action);
      return call(action, params);
    };
    const ca = await selfSigned('Intl CA');
    const caName = unique('intl');
    await run('CreatePrivateCA', { CertName: caName, CertText: ca.certText, VerifyCertText: await ca.issue('v') });
    const next = await selfSigned('Intl CA 2');
    await run('UpdatePrivateCA', { CertName: caName, CertText: next.certText, VerifyCertText: await next.issue('v') });
    expect(((await run('DescribePrivateCA', { CertName: caName })).CA as { Subject: string }).Subject).toBe('CN=Intl CA 2');
    expect((await run('DescribePrivateCAs', {})).CAs).toHaveLength(1);
    const bound = await run('CreateProduct', { ProductName: unique('b'), ProductProperties: { EncryptionType: '1', PrivateCAName: caName } });
    expect((await run('DescribePrivateCABindedProducts', { CertName: caName, Offset: 0, Limit: 10 })).Products).toEqual([{ ProductId: bound.ProductId, ProductName: bound.ProductName }]);
    expect(((await run('DescribeProductCA', { ProductId: bound.ProductId })).CAs as unknown[]).length).toBe(1);
    await run('DeleteProduct', { ProductId: bound.ProductId });
    await run('DeletePrivateCA', { CertName: caName });

    const created = await run('CreateProduct', { ProductName: unique('intl'), ProductProperties: { EncryptionType: '2', ProductDescription: 'intl' } });
    const productId = created.ProductId as string;
    expect(created.ProductProperties).toMatchObject({ EncryptionType: '2', ProductDescription: 'intl', ProductSecret: expect.stringMatching(/^[A-Za-z0-9]{24}$/) });
    expect((await run('DescribeProduct', { ProductId: productId })).ProductName).toBe(created.ProductName);
    expect((await run('DescribeProducts', { Offset: 0, Limit: 10 })).TotalCount).toBe(1);
    expect(await run('UpdateProductDynamicRegister', { ProductId: productId, RegisterType: 2, RegisterLimit: 100 })).toMatchObject({ RegisterType: 2, RegisterLimit: 100 });
    const device = await run('CreateDevice', { ProductId: productId, DeviceName: 'intl-dev', Attribute: { Tags: [{ Tag: 'k', Type: 1, Value: '42' }] } });
    expect(device.DevicePsk).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    await run('UpdateDeviceLogLevel', { ProductId: productId, DeviceName: 'intl-dev', LogLevel: 4 });
    await run('UpdateDevicesEnableState', { ProductId: productId, DeviceNames: ['intl-dev'], Status: 0 });
    expect(await run('DescribeDevice', { ProductId: productId, DeviceName: 'intl-dev' })).toMatchObject({ LogLevel: 4, EnableState: 0, DevicePsk: device.DevicePsk, Tags: [{ Tag: 'k', Type: 1, Value: '42' }] });
    expect((await run('DescribeDevices', { ProductId: productId, Offset: 0, Limit: 10 })).TotalCount).toBe(1);
    await run('DeleteDeviceShadow', { ProductId: productId, DeviceName: 'intl-dev' });
    await run('DeleteDevice', { ProductId: productId, DeviceName: 'intl-dev' });
    await run('SetProductsForbiddenStatus', { ProductId: [productId], Status: 1 });
    await run('DeleteProduct', { ProductId: productId });
    expect([...used].sort()).toEqual(iotcloudProduct.actions.map((a) => a.name).sort());
  });

  it('the 4.x SDK signs with HmacSHA256 too', async () => {
    const client = iotcloudClient(world.server, world.owner.account, 'HmacSHA256');
    const { ProductId } = await client.CreateProduct({ ProductName: unique('hmac'), ProductProperties: { EncryptionType: '2' } });
    expect((await client.CreateDevice({ ProductId: ProductId!, DeviceName: 'hmac-dev' })).DeviceName).toBe('hmac-dev');
    expect((await client.DescribeDevices({ ProductId: ProductId!, Offset: 0, Limit: 10 })).TotalCount).toBe(1);
  });

  it("another account's products, devices and CAs do not exist for the caller, and nothing of them changes", async () => {
    const owner = world.owner.client;
    const { ProductId } = await owner.CreateProduct({ ProductName: unique('mine'), ProductProperties: { EncryptionType: '2' } });
    const productId = ProductId!;
    await owner.CreateDevice({ ProductId: productId, DeviceName: 'mine' });
    const ca = await selfSigned('Owner CA');
    const caName = unique('mine');
    await owner.CreatePrivateCA({ CertName: caName, CertText: ca.certText, VerifyCertText: await ca.issue('v') });

    const them = world.stranger.client;
    const device = { ProductId: productId, DeviceName: 'mine' };
    await expectTencentError(them.DescribeProduct({ ProductId: productId }), 'ResourceNotFound.ProductNotExist');
    await expectTencentError(them.DescribeProductCA({ ProductId: productId }), 'ResourceNotFound.ProductNotExist');
    await expectTencentError(them.DeleteProduct({ ProductId: productId }), 'ResourceNotFound.ProductNotExist');
    await expectTencentError(them.SetProductsForbiddenStatus({ ProductId: [productId], Status: 1 }), 'ResourceNotFound.ProductNotExist');
    await expectTencentError(them.UpdateProductDynamicRegister({ ProductId: productId, RegisterType: 2, RegisterLimit: 1 }), 'ResourceNotFound.ProductNotExist');
    await expectTencentError(them.CreateDevice({ ProductId: productId, DeviceName: 'intruder' }), 'ResourceNotFound.ProductNotExist');
    await expectTencentError(them.DescribeDevice(device), 'ResourceNotFound.ProductNotExist');
    await expectTencentError(them.DescribeDevices({ ProductId: productId, Offset: 0, Limit: 10 }), 'ResourceNotFound.ProductNotExist');
    await expectTencentError(them.DeleteDevice(device), 'ResourceNotFound.ProductNotExist');
    await expectTencentError(them.UpdateDevicesEnableState({ ProductId: productId, DeviceNames: ['mine'], Status: 0 }), 'ResourceNotFound.ProductNotExist');
    await expectTencentError(them.UpdateDeviceLogLevel({ ...device, LogLevel: 1 }), 'ResourceNotFound.DeviceNotExist');
    await expectTencentError(them.DeleteDeviceShadow(device), 'ResourceNotFound.DeviceShadowNotExist');
    await expectTencentError(them.DescribePrivateCA({ CertName: caName }), 'ResourceNotFound.CACertNotExist');
    await expectTencentError(them.UpdatePrivateCA({ CertName: caName, CertText: ca.certText, VerifyCertText: await ca.issue('v') }), 'ResourceNotFound.CACertNotExist');
    await expectTencentError(them.DeletePrivateCA({ CertName: caName }), 'ResourceNotFound.CACertNotExist');
    await expectTencentError(them.CreateProduct({ ProductName: unique('theirs'), ProductProperties: { PrivateCAName: caName } }), 'InvalidParameterValue');
    expect((await them.DescribeProducts({ Offset: 0, Limit: 10 })).Products!.map((p) => p.ProductId)).not.toContain(productId);

    expect((await owner.DescribeProduct({ ProductId: productId })).ProductProperties).toMatchObject({ ForbiddenStatus: 0, RegisterType: 0 });
    expect(await owner.DescribeDevice(device)).toMatchObject({ EnableState: 1, LogLevel: 0 });
    expect((await owner.DescribePrivateCA({ CertName: caName })).CA!.CertText).toBe(ca.certText);
  });
});
