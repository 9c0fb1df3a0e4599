import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../../../support/databases.ts';
import { MAX_DEVICES_PER_PRODUCT } from '../../../../src/services/alibaba/iot/store/devices.ts';
import { startImportJobRunner } from '../../../../src/services/alibaba/iot/index.ts';
import { importRows, openTestbed, settledImport, type Tenant, type Testbed } from './support.ts';
import { expectDocumentedShape } from './shape.ts';
import { expectAlibabaError } from '../../../support/alibaba-harness.ts';

const IMPORT_ACTIONS = ['BatchCheckImportDevice', 'BatchImportDevice'] as const;

describe.each(STORE_KINDS)('IoT batch import, documented errors (%s)', (kind) => {
  let bed: Testbed;
  let tenant: Tenant;
  let productKey: string;
  beforeAll(async () => {
    bed = await openTestbed(kind);
    tenant = await bed.tenant();
    productKey = await tenant.product();
  });
  afterAll(() => bed.close());

  const jobCount = async () => (await bed.store.db.selectFrom('iot_import_jobs').select('apply_id').where('product_key', '=', productKey).execute()).length;

  it.each(IMPORT_ACTIONS)('%s without rows answers iot.device.NoneDeviceNameElement', async (action) => {
    await expectAlibabaError(tenant.call(action, { ProductKey: productKey }), 'iot.device.NoneDeviceNameElement');
    await expectAlibabaError(tenant.call(action, { ProductKey: productKey, DeviceList: [] }), 'iot.device.NoneDeviceNameElement');
  });

  it.each(IMPORT_ACTIONS)('%s of 10,001 rows answers iot.device.TooManyDeviceNamesPerRequest and imports nothing', async (action) => {
    await expectAlibabaError(tenant.call(action, { ProductKey: productKey, DeviceList: importRows(10_001) }), 'iot.device.TooManyDeviceNamesPerRequest');
    expect(await jobCount()).toBe(0);
  });

  it.each(IMPORT_ACTIONS)('%s checks the product and instance first', async (action) => {
    const rows = importRows(1);
    await expectAlibabaError(tenant.call(action, { ProductKey: '', DeviceList: rows }), 'iot.prod.NullProductKey');
    await expectAlibabaError(tenant.call(action, { ProductKey: 'a1BwAGV1234', DeviceList: rows }), 'iot.prod.NotExistedProduct');
    await expectAlibabaError(tenant.call(action, { ProductKey: productKey, DeviceList: rows, IotInstanceId: 'iot-00000000' }), 'iot.system.InstanceNotFound');
  });

  it('BatchImportDevice of a list with bad rows imports nothing: Success false, iot.device.InvalidDeviceParams, the findings wrapped in Data', async () => {
    await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'exists' });
    const body = await tenant.call('BatchImportDevice', {
      ProductKey: productKey,
      DeviceList: [
        { DeviceName: 'ok-row', DeviceSecret: 'fine' },
        { DeviceName: 'bad!', DeviceSecret: 'fine' },
        { DeviceName: 'exists', DeviceSecret: 'bad secret' },
        { DeviceName: 'sn-row', DeviceSecret: 'fine', Sn: 'no-dash' },
      ],
    });
    expectDocumentedShape('BatchImportDevice', body);
    expect(body).toEqual({
      Success: false,
      Code: 'iot.device.InvalidDeviceParams',
      ErrorMessage: 'The request parameters are invalid.',
      Data: {
        InvalidDeviceNameList: { invalidDeviceName: ['bad!'] },
        InvalidDeviceSecretList: { invalidDeviceSecret: ['bad secret'] },
        InvalidSnList: { invalidSn: ['no-dash'] },
        RepeatedDeviceNameList: { repeatedDeviceName: ['exists'] },
        InvalidDetailList: {
          InvalidDetailList: [
            { DeviceName: 'bad!', DeviceSecret: 'fine', ErrorMsg: 'The device name is illegal.' },
            { DeviceName: 'exists', DeviceSecret: 'bad secret', ErrorMsg: 'The device name already exists. The device secret is illegal.' },
            { DeviceName: 'sn-row', DeviceSecret: 'fine', Sn: 'no-dash', ErrorMsg: 'The SN is illegal.' },
          ],
        },
      },
    });
    expect(await jobCount()).toBe(0);
  });

  it('BatchImportDevice past the product quota answers iot.device.DeviceCountExceeded', async () => {
    const key = await tenant.product();
    await bed.store.db.updateTable('iot_products').set({ device_count: MAX_DEVICES_PER_PRODUCT - 2 }).where('product_key', '=', key).execute();
    await expectAlibabaError(tenant.call('BatchImportDevice', { ProductKey: key, DeviceList: importRows(3) }), 'iot.device.DeviceCountExceeded');
    await tenant.call('BatchImportDevice', { ProductKey: key, DeviceList: importRows(2) });
  });

  it('the job queries name the ApplyId problems: format, unknown, other product, still running', async () => {
    const accepted = await tenant.call('BatchImportDevice', { ProductKey: productKey, DeviceList: importRows(3, 'queued') });
    const applyId = accepted.Data.ApplyId as number;
    const other = await tenant.product();
    for (const bad of [0, -5]) {
      await expectAlibabaError(tenant.call('QueryBatchRegisterDeviceStatus', { ProductKey: productKey, ApplyId: bad }), 'iot.device.InvalidFormattedApplyId');
      await expectAlibabaError(tenant.call('QueryImportedDeviceByApplyId', { ApplyId: bad, PageNo: 1, PageSize: 10 }), 'iot.device.InvalidFormattedApplyId');
    }
    await expectAlibabaError(tenant.call('QueryBatchRegisterDeviceStatus', { ProductKey: productKey, ApplyId: applyId + 1 }), 'iot.device.DeviceApplyIsNotFound');
    await expectAlibabaError(tenant.call('QueryImportedDeviceByApplyId', { ApplyId: applyId + 1, PageNo: 1, PageSize: 10 }), 'iot.device.DeviceApplyIsNotFound');
    await expectAlibabaError(tenant.call('QueryBatchRegisterDeviceStatus', { ProductKey: other, ApplyId: applyId }), 'iot.device.DeviceApplyIsNotFound');
    await expectAlibabaError(tenant.call('QueryBatchRegisterDeviceStatus', { ProductKey: 'a1BwAGV1234', ApplyId: applyId }), 'iot.prod.NotExistedProduct');
    await expectAlibabaError(tenant.call('QueryImportedDeviceByApplyId', { ApplyId: applyId, PageNo: 1, PageSize: 10 }), 'iot.device.CreateDeviceTaskIsRunning');

    const runner = startImportJobRunner(bed.app, { pollMs: 10 });
    try {
      await settledImport(tenant, { ProductKey: productKey, ApplyId: applyId });
    } finally {
      await runner.stop();
    }
    for (const paging of [
      { PageNo: 0, PageSize: 10 },
      { PageNo: 10_001, PageSize: 10 },
      { PageNo: 1, PageSize: 0 },
      { PageNo: 1, PageSize: 51 },
    ]) {
      await expectAlibabaError(tenant.call('QueryImportedDeviceByApplyId', { ApplyId: applyId, ...paging }), 'iot.common.InvalidPageParams');
    }
    await expectAlibabaError(tenant.call('QueryImportedDeviceByApplyId', { ApplyId: applyId, PageNo: 1, PageSize: 10, IotInstanceId: 'iot-00000000' }), 'iot.system.InstanceNotFound');
  });
});
