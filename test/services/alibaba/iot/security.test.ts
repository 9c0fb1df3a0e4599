import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../../../support/databases.ts';
import { startImportJobRunner } from '../../../../src/services/alibaba/iot/index.ts';
import { importRows, openTestbed, settledImport, type Tenant, type Testbed } from './support.ts';
import { type Body, expectAlibabaError } from '../../../support/alibaba-harness.ts';

describe.each(STORE_KINDS)('IoT tenant isolation and secrets at rest (%s)', (kind) => {
  let bed: Testbed;
  let owner: Tenant;
  let stranger: Tenant;
  let productKey: string;
  let productSecret: string;
  let device: Body;
  let applyId: number;
  let instance: string;
  beforeAll(async () => {
    bed = await openTestbed(kind);
    owner = await bed.tenant();
    stranger = await bed.tenant();
    const created = await owner.call('CreateProduct', { ProductName: 'private_product', NodeType: 0 });
    productKey = created.ProductKey;
    productSecret = created.Data.ProductSecret;
    device = (await owner.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'private-device' })).Data;
    applyId = (await owner.call('BatchImportDevice', { ProductKey: productKey, DeviceList: importRows(3, 'imported') })).Data.ApplyId;
    const runner = startImportJobRunner(bed.app, { pollMs: 5 });
    await settledImport(owner, { ProductKey: productKey, ApplyId: applyId }).finally(() => runner.stop());
    instance = await owner.instance();
  });
  afterAll(() => bed.close());

  it.each([
    ['QueryProduct', () => ({ ProductKey: productKey })],
    ['UpdateProduct', () => ({ ProductKey: productKey, ProductName: 'hijacked' })],
    ['DeleteProduct', () => ({ ProductKey: productKey })],
    ['RegisterDevice', () => ({ ProductKey: productKey, DeviceName: 'intruder' })],
    ['QueryDevice', () => ({ ProductKey: productKey })],
    ['BatchCheckImportDevice', () => ({ ProductKey: productKey, DeviceList: importRows(1) })],
    ['BatchImportDevice', () => ({ ProductKey: productKey, DeviceList: importRows(1) })],
    ['QueryBatchRegisterDeviceStatus', () => ({ ProductKey: productKey, ApplyId: applyId })],
    ['QueryDeviceDetail', () => ({ ProductKey: productKey, DeviceName: 'private-device' })],
    ['QueryDeviceInfo', () => ({ ProductKey: productKey, DeviceName: 'private-device' })],
    ['DeleteDevice', () => ({ ProductKey: productKey, DeviceName: 'private-device' })],
  ])('another account calling %s with the ProductKey gets iot.prod.NotExistedProduct', async (action, params) => {
    await expectAlibabaError(stranger.call(action, params()), 'iot.prod.NotExistedProduct');
  });

  it.each(['QueryDeviceDetail', 'QueryDeviceInfo', 'DeleteDevice'])('another account calling %s with the IotId gets iot.device.NotExistedDevice', async (action) => {
    await expectAlibabaError(stranger.call(action, { IotId: device.IotId }), 'iot.device.NotExistedDevice');
  });

  it('another account cannot read an import job by ApplyId', async () => {
    await expectAlibabaError(stranger.call('QueryImportedDeviceByApplyId', { ApplyId: applyId, PageNo: 1, PageSize: 10 }), 'iot.device.DeviceApplyIsNotFound');
  });

  it("another account's Enterprise instance id is unknown to it, and its product lists stay its own", async () => {
    await expectAlibabaError(stranger.call('QueryProductList', { CurrentPage: 1, PageSize: 10, IotInstanceId: instance }), 'iot.system.InstanceNotFound');
    await expectAlibabaError(stranger.call('CreateProduct', { ProductName: 'squatter', NodeType: 0, IotInstanceId: instance }), 'iot.system.InstanceNotFound');
    expect((await stranger.call('QueryProductList', { CurrentPage: 1, PageSize: 10 })).Data.Total).toBe(0);
    // Product names are per instance, so the stranger may use the same one.
    await stranger.product({ ProductName: 'private_product' });
  });

  it('after all that the owner still has everything, unchanged', async () => {
    const product = await owner.call('QueryProduct', { ProductKey: productKey });
    expect(product.Data).toMatchObject({ ProductName: 'private_product', DeviceCount: 4, ProductSecret: productSecret });
    expect((await owner.call('QueryDeviceInfo', { IotId: device.IotId })).Data).toEqual(device);
  });

  it('a product of an Enterprise instance is not found without its IotInstanceId, nor in the default instance lists', async () => {
    const key = await owner.product({ IotInstanceId: instance });
    const registered = await owner.call('RegisterDevice', { ProductKey: key, DeviceName: 'in-instance', IotInstanceId: instance });
    await expectAlibabaError(owner.call('QueryProduct', { ProductKey: key }), 'iot.prod.NotExistedProduct');
    await expectAlibabaError(owner.call('RegisterDevice', { ProductKey: key, DeviceName: 'elsewhere' }), 'iot.prod.NotExistedProduct');
    await expectAlibabaError(owner.call('QueryDeviceInfo', { IotId: registered.Data.IotId }), 'iot.device.NotExistedDevice');
    expect((await owner.call('QueryDeviceInfo', { IotId: registered.Data.IotId, IotInstanceId: instance })).Data.DeviceName).toBe('in-instance');
    // And a default-instance product is not found through the Enterprise instance.
    await expectAlibabaError(owner.call('QueryProduct', { ProductKey: productKey, IotInstanceId: instance }), 'iot.prod.NotExistedProduct');
    const defaults = await owner.call('QueryProductList', { CurrentPage: 1, PageSize: 50 });
    expect(defaults.Data.List.ProductInfo.map((p: Body) => p.ProductKey)).not.toContain(key);
  });

  it('ProductSecret and DeviceSecrets are stored sealed and bound to their row', async () => {
    const product = await bed.store.db.selectFrom('iot_products').selectAll().where('product_key', '=', productKey).executeTakeFirstOrThrow();
    expect(product.secret_sealed).not.toContain(productSecret);
    const devices = await bed.store.db.selectFrom('iot_devices').selectAll().where('product_key', '=', productKey).orderBy('device_name').execute();
    const rows = await bed.store.db.selectFrom('iot_import_rows').selectAll().where('apply_id', '=', applyId).execute();
    const stored = JSON.stringify([devices, rows]);
    for (const secret of [device.DeviceSecret, 'secret-0', 'secret-1', 'secret-2']) expect(stored).not.toContain(secret);

    // A sealed secret copied onto another device does not open there: the read fails rather than leak.
    const [a, b] = devices;
    await bed.store.db.updateTable('iot_devices').set({ secret_sealed: a!.secret_sealed }).where('iot_id', '=', b!.iot_id).execute();
    await expect(owner.call('QueryDeviceInfo', { IotId: b!.iot_id })).rejects.toThrow();
    await bed.store.db.updateTable('iot_devices').set({ secret_sealed: b!.secret_sealed }).where('iot_id', '=', b!.iot_id).execute();
  });
});
