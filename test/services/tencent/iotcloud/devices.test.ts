import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../support/server.ts';
import { expectTencentError } from '../../../support/tencent-harness.ts';
import { fillCounter, openWorld, unique, type World } from './support.ts';

const BASE64_PSK = /^[A-Za-z0-9+/]{22}==$/;

describe.each(DIALECTS)('IoT Hub devices through the official SDKs (%s)', (dialect) => {
  let world: World;
  let keyProduct: string;
  let certProduct: string;
  beforeAll(async () => {
    world = await openWorld(dialect);
    keyProduct = (await world.owner.client.CreateProduct({ ProductName: unique('key'), ProductProperties: { EncryptionType: '2' } })).ProductId!;
    certProduct = (await world.owner.client.CreateProduct({ ProductName: unique('cert'), ProductProperties: { EncryptionType: '1' } })).ProductId!;
  });
  afterAll(() => world?.close());

  it('CreateDevice on a key product answers a base64 DevicePsk (or the DefinedPsk) and DescribeDevice shows it again', async () => {
    const created = await world.owner.client.CreateDevice({ ProductId: keyProduct, DeviceName: 'dev-001', Attribute: { Tags: [{ Tag: 'note', Type: 2, Value: 'hello' }] } });
    expect(created).toEqual({ DeviceName: 'dev-001', DevicePsk: expect.stringMatching(BASE64_PSK), DeviceCert: '', DevicePrivateKey: '', LoraDevEui: '', LoraMoteType: 0, LoraAppKey: '', LoraNwkKey: '', RequestId: expect.any(String) });
    const described = await world.owner.client.DescribeDevice({ ProductId: keyProduct, DeviceName: 'dev-001' });
    expect(described).toMatchObject({ DeviceName: 'dev-001', DevicePsk: created.DevicePsk, DeviceCert: '', EnableState: 1, LogLevel: 0, Online: 0, CertState: 0, Tags: [{ Tag: 'note', Type: 2, Value: 'hello', Name: 'note' }] });
    expect(Math.abs(described.CreateTime! - Date.now() / 1000)).toBeLessThan(60);
    expect(described.CreateUserId).toBe(Number(world.owner.account.id));
    const defined = await world.owner.client.CreateDevice({ ProductId: keyProduct, DeviceName: 'dev-002', DefinedPsk: 'lDZ6Uqt+I9E0wW7rvDUs7Q==' });
    expect(defined.DevicePsk).toBe('lDZ6Uqt+I9E0wW7rvDUs7Q==');
  });

  it('the PSK is sealed at rest', async () => {
    const { DevicePsk } = await world.owner.client.CreateDevice({ ProductId: keyProduct, DeviceName: unique('sealed') });
    const rows = await world.server.app.store.db.selectFrom('iotcloud_devices').selectAll().where('product_id', '=', keyProduct).execute();
    expect(JSON.stringify(rows)).not.toContain(DevicePsk);
  });

  it('CreateDevice on a certificate product issues a certificate chaining to the product CA and a private key that is not stored', async () => {
    const created = await world.owner.client.CreateDevice({ ProductId: certProduct, DeviceName: 'cert-dev' });
    expect(created.DevicePsk).toBe('');
    expect(created.DevicePrivateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const { CAs } = await world.owner.client.DescribeProductCA({ ProductId: certProduct });
    expect(CAs).toHaveLength(1);
    const ca = new X509Certificate(CAs![0]!.CertText!);
    const cert = new X509Certificate(created.DeviceCert!);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.subject).toContain(`CN=${certProduct}cert-dev`);
    expect(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(created.DevicePrivateKey!))).toBe(true);
    const described = await world.owner.client.DescribeDevice({ ProductId: certProduct, DeviceName: 'cert-dev' });
    expect(described).toMatchObject({ DeviceCert: created.DeviceCert, DevicePsk: '', CertState: 1 });
    const rows = await world.server.app.store.db.selectFrom('iotcloud_devices').selectAll().execute();
    const accounts = await world.server.app.store.db.selectFrom('iotcloud_accounts').selectAll().execute();
    const keyBody = created.DevicePrivateKey!.split('\n')[1]!;
    expect(JSON.stringify([rows, accounts])).not.toContain(keyBody);
    expect(JSON.stringify(accounts)).not.toContain('PRIVATE KEY');
  });

  it('CreateDevice refusals: DefinedPsk not base64, PSK on a certificate product, LoRa fields, NB-IoT without Imei, names, duplicates, the device limit', async () => {
    const client = world.owner.client;
    await expectTencentError(client.CreateDevice({ ProductId: keyProduct, DeviceName: 'x1', DefinedPsk: 'not base64!' }), 'InvalidParameterValue.DefinedPskNotBase64');
    await expectTencentError(client.CreateDevice({ ProductId: certProduct, DeviceName: 'x1', DefinedPsk: 'lDZ6Uqt+I9E0wW7rvDUs7Q==' }), 'UnauthorizedOperation.ProductNotSupportPSK');
    await expectTencentError(client.CreateDevice({ ProductId: keyProduct, DeviceName: 'x1', LoraDevEui: 'eui' }), 'UnauthorizedOperation.ProductCantHaveLoRaDevice');
    const nb = (await client.CreateProduct({ ProductName: unique('nb'), ProductProperties: { ProductType: 2, EncryptionType: '2' } })).ProductId!;
    await expectTencentError(client.CreateDevice({ ProductId: nb, DeviceName: 'x1' }), 'UnauthorizedOperation.ProductCantHaveNormalDevice');
    expect((await client.CreateDevice({ ProductId: nb, DeviceName: 'x1', Imei: '345323123', Isp: 1 })).DeviceName).toBe('x1');
    await expectTencentError(client.CreateDevice({ ProductId: keyProduct, DeviceName: 'bad name' }), 'InvalidParameterValue');
    await expectTencentError(client.CreateDevice({ ProductId: keyProduct, DeviceName: 'a'.repeat(49) }), 'InvalidParameterValue');
    await expectTencentError(client.CreateDevice({ ProductId: keyProduct, DeviceName: 'x1', Attribute: { Tags: [{ Tag: 't', Type: 1, Value: 'abc' }] } }), 'InvalidParameterValue');
    await client.CreateDevice({ ProductId: keyProduct, DeviceName: 'twice' });
    await expectTencentError(client.CreateDevice({ ProductId: keyProduct, DeviceName: 'twice' }), 'InvalidParameterValue.DeviceAlreadyExist');
    await expectTencentError(client.CreateDevice({ ProductId: 'NOSUCHPROD', DeviceName: 'x1' }), 'ResourceNotFound.ProductNotExist');
    const full = (await client.CreateProduct({ ProductName: unique('full'), ProductProperties: { EncryptionType: '2' } })).ProductId!;
    await fillCounter(world.server, { product: full }, 'device_count', 1_000_000);
    await expectTencentError(client.CreateDevice({ ProductId: full, DeviceName: 'x1' }), 'LimitExceeded.DeviceExceedLimit');
  });

  it('CreateDevice creates one device of a name when the same name races', async () => {
    const name = unique('race');
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => world.owner.client.CreateDevice({ ProductId: keyProduct, DeviceName: name })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(Array(7).fill('InvalidParameterValue.DeviceAlreadyExist'));
  });

  it('DescribeDevices pages oldest first with Limit 10–250 and filters by DeviceName, EnableState and FirmwareVersion', async () => {
    const product = (await world.owner.client.CreateProduct({ ProductName: unique('list'), ProductProperties: { EncryptionType: '2' } })).ProductId!;
    for (let i = 0; i < 12; i++) await world.owner.client.CreateDevice({ ProductId: product, DeviceName: `d${String(i).padStart(2, '0')}` });
    const page = await world.owner.client.DescribeDevices({ ProductId: product, Offset: 10, Limit: 10 });
    expect([page.TotalCount, page.Devices!.map((d) => d.DeviceName)]).toEqual([12, ['d10', 'd11']]);
    await world.owner.client.UpdateDevicesEnableState({ ProductId: product, DeviceNames: ['d01', 'd02'], Status: 0 });
    const disabled = await world.owner.client.DescribeDevices({ ProductId: product, Offset: 0, Limit: 10, EnableState: 0 });
    expect(disabled.Devices!.map((d) => [d.DeviceName, d.EnableState])).toEqual([['d01', 0], ['d02', 0]]);
    expect((await world.owner.client.DescribeDevices({ ProductId: product, Offset: 0, Limit: 10, DeviceName: 'd05' })).Devices!.map((d) => d.DeviceName)).toEqual(['d05']);
    expect((await world.owner.client.DescribeDevices({ ProductId: product, Offset: 0, Limit: 10, FirmwareVersion: 'None-FirmwareVersion' })).TotalCount).toBe(12);
    expect((await world.owner.client.DescribeDevices({ ProductId: product, Offset: 0, Limit: 10, FirmwareVersion: '1.0.0' })).TotalCount).toBe(0);
    await expectTencentError(world.owner.client.DescribeDevices({ ProductId: product, Offset: 0, Limit: 5 }), 'InvalidParameterValue');
    await expectTencentError(world.owner.client.DescribeDevices({ ProductId: 'NOSUCHPROD', Offset: 0, Limit: 10 }), 'ResourceNotFound.ProductNotExist');
  });

  it('UpdateDevicesEnableState changes all listed devices or none; DescribeDevice and DeleteDevice name unknown devices', async () => {
    await world.owner.client.CreateDevice({ ProductId: keyProduct, DeviceName: 'en1' });
    await expectTencentError(world.owner.client.UpdateDevicesEnableState({ ProductId: keyProduct, DeviceNames: ['en1', 'ghost'], Status: 0 }), 'ResourceNotFound.DeviceNotExist');
    expect((await world.owner.client.DescribeDevice({ ProductId: keyProduct, DeviceName: 'en1' })).EnableState).toBe(1);
    await expectTencentError(world.owner.client.UpdateDevicesEnableState({ ProductId: 'NOSUCHPROD', DeviceNames: ['en1'], Status: 0 }), 'ResourceNotFound.ProductNotExist');
    await expectTencentError(world.owner.client.DescribeDevice({ ProductId: keyProduct, DeviceName: 'ghost' }), 'ResourceNotFound.DeviceNotExist');
    await expectTencentError(world.owner.client.DeleteDevice({ ProductId: keyProduct, DeviceName: 'ghost' }), 'ResourceNotFound.DeviceNotExist');
    await expectTencentError(world.owner.client.DeleteDevice({ ProductId: 'NOSUCHPROD', DeviceName: 'ghost' }), 'ResourceNotFound.ProductNotExist');
  });

  it('UpdateDeviceLogLevel sets 0–4 on enabled devices and refuses disabled ones (UnauthorizedOperation.DeviceIsNotEnabled)', async () => {
    await world.owner.client.CreateDevice({ ProductId: keyProduct, DeviceName: 'log1' });
    await world.owner.client.UpdateDeviceLogLevel({ ProductId: keyProduct, DeviceName: 'log1', LogLevel: 3 });
    expect((await world.owner.client.DescribeDevice({ ProductId: keyProduct, DeviceName: 'log1' })).LogLevel).toBe(3);
    await expectTencentError(world.owner.client.UpdateDeviceLogLevel({ ProductId: keyProduct, DeviceName: 'log1', LogLevel: 5 }), 'InvalidParameterValue');
    await expectTencentError(world.owner.client.UpdateDeviceLogLevel({ ProductId: keyProduct, DeviceName: 'ghost', LogLevel: 1 }), 'ResourceNotFound.DeviceNotExist');
    await world.owner.client.UpdateDevicesEnableState({ ProductId: keyProduct, DeviceNames: ['log1'], Status: 0 });
    await expectTencentError(world.owner.client.UpdateDeviceLogLevel({ ProductId: keyProduct, DeviceName: 'log1', LogLevel: 1 }), 'UnauthorizedOperation.DeviceIsNotEnabled');
  });

  it('DeleteDeviceShadow resets an existing device shadow and answers ResourceNotFound.DeviceShadowNotExist otherwise', async () => {
    await world.owner.client.CreateDevice({ ProductId: keyProduct, DeviceName: 'shadowed' });
    await world.owner.client.DeleteDeviceShadow({ ProductId: keyProduct, DeviceName: 'shadowed' });
    await expectTencentError(world.owner.client.DeleteDeviceShadow({ ProductId: keyProduct, DeviceName: 'ghost' }), 'ResourceNotFound.DeviceShadowNotExist');
    await expectTencentError(world.stranger.client.DeleteDeviceShadow({ ProductId: keyProduct, DeviceName: 'shadowed' }), 'ResourceNotFound.DeviceShadowNotExist');
  });
});

describe.each(DIALECTS)('IoT Hub unexpected failures (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld(dialect);
  });
  afterAll(() => world?.close());

  it('answers InternalError, without internals, when storage fails under an action', async () => {
    const { ProductId } = await world.owner.client.CreateProduct({ ProductName: unique('broken'), ProductProperties: { EncryptionType: '2' } });
    await world.server.app.store.db.schema.dropTable('iotcloud_devices').execute();
    const error = await expectTencentError(world.owner.client.DescribeDevice({ ProductId: ProductId!, DeviceName: 'd' }), 'InternalError');
    expect(error.message).not.toMatch(/iotcloud_devices|SQL|relation|table/i);
  });
});
