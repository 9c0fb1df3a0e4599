import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../../../support/databases.ts';
import { MAX_DEVICES_PER_PRODUCT } from '../../../../src/services/alibaba/iot/store/devices.ts';
import { openTestbed, type Tenant, type Testbed } from './support.ts';
import { expectAlibabaError } from '../../../support/alibaba-harness.ts';

const SINGLE_DEVICE_ACTIONS = ['QueryDeviceDetail', 'QueryDeviceInfo', 'DeleteDevice'] as const;

describe.each(STORE_KINDS)('IoT devices, documented errors (%s)', (kind) => {
  let bed: Testbed;
  let tenant: Tenant;
  let productKey: string;
  beforeAll(async () => {
    bed = await openTestbed(kind);
    tenant = await bed.tenant();
    productKey = await tenant.product();
    await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'taken' });
  });
  afterAll(() => bed.close());

  it.each([
    [{ DeviceName: 'taken' }, 'iot.device.AlreadyExistedDeviceName'],
    [{ DeviceName: 'abc' }, 'iot.device.InvalidFormattedDeviceName'],
    [{ DeviceName: 'x'.repeat(33) }, 'iot.device.InvalidFormattedDeviceName'],
    [{ DeviceName: 'bad/name' }, 'iot.device.InvalidFormattedDeviceName'],
    [{ DeviceName: '' }, 'iot.device.InvalidFormattedDeviceName'],
    [{ Nickname: 'abc' }, 'iot.common.InvalidFormattedParameter'],
    [{ Nickname: 'no-dashes' }, 'iot.common.InvalidFormattedParameter'],
    [{ DevEui: '0000000000000001' }, 'iot.common.InvalidFormattedParameter'],
    [{ LoraNodeType: 'USERDEFINED' }, 'iot.common.InvalidFormattedParameter'],
    [{ ProductKey: '' }, 'iot.prod.NullProductKey'],
    [{ ProductKey: 'a1BwAGV1234' }, 'iot.prod.NotExistedProduct'],
    [{ IotInstanceId: 'iot-00000000' }, 'iot.system.InstanceNotFound'],
  ])('RegisterDevice with %j fails with %s', async (params, code) => {
    await expectAlibabaError(tenant.call('RegisterDevice', { ProductKey: productKey, ...params }), code);
  });

  it('of concurrent registrations of one name exactly one wins, and the count rises by one', async () => {
    const key = await tenant.product();
    const attempts = await Promise.allSettled(Array.from({ length: 6 }, () => tenant.call('RegisterDevice', { ProductKey: key, DeviceName: 'contested' })));
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    for (const a of attempts) if (a.status === 'rejected') expect((a.reason as { code: string }).code).toBe('iot.device.AlreadyExistedDeviceName');
    expect((await tenant.call('QueryProduct', { ProductKey: key })).Data.DeviceCount).toBe(1);
  });

  it(`a product holds ${MAX_DEVICES_PER_PRODUCT.toLocaleString('en')} devices: at the limit exactly one of concurrent registrations wins`, async () => {
    const key = await tenant.product();
    await bed.store.db.updateTable('iot_products').set({ device_count: MAX_DEVICES_PER_PRODUCT - 1 }).where('product_key', '=', key).execute();
    const attempts = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => tenant.call('RegisterDevice', { ProductKey: key, DeviceName: `quota-${i}` })));
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    for (const a of attempts) if (a.status === 'rejected') expect((a.reason as { code: string }).code).toBe('iot.device.DeviceCountExceeded');
  });

  it.each(SINGLE_DEVICE_ACTIONS)('%s names every way a device identity can be wrong', async (action) => {
    await expectAlibabaError(tenant.call(action, {}), 'iot.prod.NullProductKey');
    await expectAlibabaError(tenant.call(action, { DeviceName: 'taken' }), 'iot.prod.NullProductKey');
    await expectAlibabaError(tenant.call(action, { ProductKey: productKey }), 'iot.device.NullDeviceName');
    await expectAlibabaError(tenant.call(action, { ProductKey: productKey, DeviceName: '' }), 'iot.device.NullDeviceName');
    await expectAlibabaError(tenant.call(action, { ProductKey: 'a1BwAGV1234', DeviceName: 'taken' }), 'iot.prod.NotExistedProduct');
    await expectAlibabaError(tenant.call(action, { ProductKey: 'a1Bw', DeviceName: 'taken' }), 'iot.prod.InvalidFormattedProductkey');
    await expectAlibabaError(tenant.call(action, { ProductKey: productKey, DeviceName: 'no$such' }), 'iot.device.InvalidFormattedDeviceName');
    await expectAlibabaError(tenant.call(action, { ProductKey: productKey, DeviceName: 'missing' }), 'iot.device.NotExistedDevice');
    await expectAlibabaError(tenant.call(action, { IotId: 'not-an-iot-id' }), 'iot.device.InvalidIoTId');
    await expectAlibabaError(tenant.call(action, { IotId: 'A'.repeat(26) }), 'iot.device.NotExistedDevice');
    await expectAlibabaError(tenant.call(action, { IotId: 'A'.repeat(26), IotInstanceId: 'iot-00000000' }), 'iot.system.InstanceNotFound');
  });

  it('DeleteDevice twice: the second answers iot.device.NotExistedDevice', async () => {
    const device = await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'twice' });
    await tenant.call('DeleteDevice', { IotId: device.Data.IotId });
    await expectAlibabaError(tenant.call('DeleteDevice', { IotId: device.Data.IotId }), 'iot.device.NotExistedDevice');
  });

  it.each([
    [{ PageSize: 51 }],
    [{ PageSize: 0 }],
    [{ CurrentPage: 0 }],
    // Past 10,000 rows only a NextToken reaches (QueryDevice page).
    [{ CurrentPage: 201, PageSize: 50 }],
    [{ NextToken: 'garbage' }],
    [{ CurrentPage: 20_000, PageSize: 50, NextToken: Buffer.from(`1.${'A'.repeat(26)}`).toString('base64url') }],
  ])('QueryDevice with %j fails with iot.common.InvalidPageParams', async (params) => {
    await expectAlibabaError(tenant.call('QueryDevice', { ProductKey: productKey, ...params }), 'iot.common.InvalidPageParams');
  });

  it('QueryDevice of an unknown product answers iot.prod.NotExistedProduct', async () => {
    await expectAlibabaError(tenant.call('QueryDevice', { ProductKey: 'a1BwAGV1234' }), 'iot.prod.NotExistedProduct');
  });
});
