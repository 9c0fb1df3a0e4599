import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../../../support/databases.ts';
import { startImportJobRunner, type ImportJobRunner } from '../../../../src/services/alibaba/iot/index.ts';
import { importRows, openTestbed, settledImport, type Tenant, type Testbed } from './support.ts';
import { expectDocumentedShape } from './shape.ts';
import { type Body } from '../../../support/alibaba-harness.ts';

describe.each(STORE_KINDS)('IoT batch import, happy paths (%s)', (kind) => {
  let bed: Testbed;
  let tenant: Tenant;
  let productKey: string;
  let runner: ImportJobRunner | undefined;
  beforeAll(async () => {
    bed = await openTestbed(kind);
    tenant = await bed.tenant();
    productKey = await tenant.product();
    await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'already-here' });
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
  });
  afterAll(() => bed.close());

  it('BatchCheckImportDevice of a clean list answers exactly {Success: true}, without Data', async () => {
    const body = await tenant.call('BatchCheckImportDevice', {
      ProductKey: productKey,
      DeviceList: [
        { DeviceName: 'light', DeviceSecret: 'b4d43f7-_@.:10ba5e5', Sn: 'QC4_001' },
        { DeviceName: 'a-b_c@d.e:f', DeviceSecret: 'x' },
      ],
    });
    expectDocumentedShape('BatchCheckImportDevice', body);
    expect(body).toEqual({ Success: true });
  });

  it('BatchCheckImportDevice reports bad names, secrets and SNs, repeated and existing names, and every bad row', async () => {
    const body = await tenant.call('BatchCheckImportDevice', {
      ProductKey: productKey,
      DeviceList: [
        { DeviceName: 'APT$', DeviceSecret: 'fine' },
        { DeviceName: 'aw', DeviceSecret: '^67$' },
        { DeviceName: 'good-one', DeviceSecret: 's'.repeat(33), Sn: '' },
        { DeviceName: 'twice', DeviceSecret: 'a' },
        { DeviceName: 'twice', DeviceSecret: 'b', Sn: 'QC4001#' },
        { DeviceName: 'already-here', DeviceSecret: 'c' },
        { DeviceName: 'clean-row', DeviceSecret: 'd', Sn: 'x'.repeat(64) },
      ],
    });
    expectDocumentedShape('BatchCheckImportDevice', body);
    expect(body).toEqual({
      Success: true,
      Data: {
        InvalidDeviceNameList: ['APT$', 'aw'],
        InvalidDeviceSecretList: ['^67$', 's'.repeat(33)],
        InvalidSnList: ['', 'QC4001#'],
        RepeatedDeviceNameList: ['twice', 'already-here'],
        InvalidDetailList: [
          { DeviceName: 'APT$', DeviceSecret: 'fine', ErrorMsg: 'The device name is illegal.' },
          { DeviceName: 'aw', DeviceSecret: '^67$', ErrorMsg: 'The device name is illegal. The device secret is illegal.' },
          { DeviceName: 'good-one', DeviceSecret: 's'.repeat(33), Sn: '', ErrorMsg: 'The device secret is illegal. The SN is illegal.' },
          { DeviceName: 'twice', DeviceSecret: 'a', ErrorMsg: 'The device name appears more than once in the list.' },
          { DeviceName: 'twice', DeviceSecret: 'b', Sn: 'QC4001#', ErrorMsg: 'The device name appears more than once in the list. The SN is illegal.' },
          { DeviceName: 'already-here', DeviceSecret: 'c', ErrorMsg: 'The device name already exists.' },
        ],
      },
    });
  });

  it('BatchCheckImportDevice takes 10,000 rows (the inclusive limit)', async () => {
    expect(await tenant.call('BatchCheckImportDevice', { ProductKey: productKey, DeviceList: importRows(10_000) })).toEqual({ Success: true });
  });

  it('BatchImportDevice returns an ApplyId; the job creates every device with the given secret and SN', async () => {
    const rows = importRows(2_500, 'bulk');
    const accepted = await tenant.call('BatchImportDevice', { ProductKey: productKey, DeviceList: rows });
    expectDocumentedShape('BatchImportDevice', accepted);
    expect(accepted).toEqual({
      Success: true,
      Data: {
        ApplyId: expect.any(Number),
        InvalidDeviceNameList: { invalidDeviceName: [] },
        InvalidDeviceSecretList: { invalidDeviceSecret: [] },
        InvalidSnList: { invalidSn: [] },
        RepeatedDeviceNameList: { repeatedDeviceName: [] },
        InvalidDetailList: { InvalidDetailList: [] },
      },
    });
    const applyId = accepted.Data.ApplyId as number;
    expect(Number.isSafeInteger(applyId) && applyId > 0).toBe(true);

    const running = await tenant.call('QueryBatchRegisterDeviceStatus', { ProductKey: productKey, ApplyId: applyId });
    expect(running).toEqual({ Success: true, Data: { Status: 'CREATE', ValidList: { Name: [] }, InvalidList: { Name: [] } } });

    runner = startImportJobRunner(bed.app, { pollMs: 10, batchSize: 700 });
    const done = await settledImport(tenant, { ProductKey: productKey, ApplyId: applyId });
    expectDocumentedShape('QueryBatchRegisterDeviceStatus', done);
    expect(done.Data.Status).toBe('CREATE_SUCCESS');
    expect(done.Data.ValidList.Name).toEqual(rows.map((r) => r.DeviceName));
    expect(done.Data.InvalidList).toEqual({ Name: [] });

    const page = await tenant.call('QueryImportedDeviceByApplyId', { ApplyId: applyId, PageNo: 2, PageSize: 50 });
    expectDocumentedShape('QueryImportedDeviceByApplyId', page);
    expect(page).toMatchObject({ Success: true, PageNo: 2, PageSize: 50, TotalPage: 50, ProductKey: productKey });
    expect(page.DeviceList.device).toEqual(
      rows.slice(50, 100).map((r) => ({ DeviceName: r.DeviceName, DeviceSecret: r.DeviceSecret, ProductKey: productKey, Sn: r.Sn })),
    );

    const info = await tenant.call('QueryDeviceInfo', { ProductKey: productKey, DeviceName: 'bulk01234' });
    expect(info.Data).toMatchObject({ DeviceName: 'bulk01234', DeviceSecret: 'secret-1234' });
    const detail = await tenant.call('QueryDeviceDetail', { IotId: info.Data.IotId });
    expect(detail.Data.Status).toBe('UNACTIVE');
    expect((await tenant.call('QueryProduct', { ProductKey: productKey })).Data.DeviceCount).toBe(2_501);
    // The imported names now count as existing.
    const recheck = await tenant.call('BatchCheckImportDevice', { ProductKey: productKey, DeviceList: rows.slice(0, 2) });
    expect(recheck.Data.RepeatedDeviceNameList).toEqual(['bulk00000', 'bulk00001']);
  });

  it('an import without serial numbers answers Sn "" and works in an Enterprise instance', async () => {
    const instance = await tenant.instance();
    const key = await tenant.product({ IotInstanceId: instance });
    const accepted = await tenant.call('BatchImportDevice', {
      ProductKey: key,
      IotInstanceId: instance,
      DeviceList: [{ DeviceName: 'no-sn-1', DeviceSecret: 'one' }],
    });
    runner = startImportJobRunner(bed.app, { pollMs: 10 });
    const done = await settledImport(tenant, { ProductKey: key, ApplyId: accepted.Data.ApplyId, IotInstanceId: instance });
    expect(done.Data.Status).toBe('CREATE_SUCCESS');
    const page = await tenant.call('QueryImportedDeviceByApplyId', { ApplyId: accepted.Data.ApplyId, PageNo: 1, PageSize: 10, IotInstanceId: instance });
    expect(page.DeviceList.device).toEqual([{ DeviceName: 'no-sn-1', DeviceSecret: 'one', ProductKey: key, Sn: '' }]);
    expect(page.TotalPage).toBe(1);
    const beyond: Body = await tenant.call('QueryImportedDeviceByApplyId', { ApplyId: accepted.Data.ApplyId, PageNo: 3, PageSize: 10, IotInstanceId: instance });
    expect(beyond.DeviceList.device).toEqual([]);
  });
});
