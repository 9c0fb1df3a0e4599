import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../../../support/databases.ts';
import { startImportJobRunner } from '../../../../src/services/alibaba/iot/index.ts';
import { claimImportJob, runImportBatch } from '../../../../src/services/alibaba/iot/store/import-jobs.ts';
import { MAX_DEVICES_PER_PRODUCT } from '../../../../src/services/alibaba/iot/store/devices.ts';
import { importRows, openTestbed, settledImport, type Tenant, type Testbed } from './support.ts';
import { expectAlibabaError } from '../../../support/alibaba-harness.ts';

const LEASE_MS = 30_000;

describe.each(STORE_KINDS)('IoT import-job runner: interruptions and failures (%s)', (kind) => {
  let bed: Testbed;
  let tenant: Tenant;
  beforeAll(async () => {
    bed = await openTestbed(kind);
    tenant = await bed.tenant();
  });
  afterAll(() => bed.close());

  const job = (applyId: number) => bed.store.db.selectFrom('iot_import_jobs').selectAll().where('apply_id', '=', applyId).executeTakeFirstOrThrow();
  const deviceNames = async (productKey: string) =>
    (await bed.store.db.selectFrom('iot_devices').select('device_name').where('product_key', '=', productKey).orderBy('device_name').execute()).map((r) => r.device_name);

  async function importJob(count: number, prefix: string): Promise<{ productKey: string; applyId: number; names: string[] }> {
    const productKey = await tenant.product();
    const rows = importRows(count, prefix);
    const accepted = await tenant.call('BatchImportDevice', { ProductKey: productKey, DeviceList: rows });
    return { productKey, applyId: accepted.Data.ApplyId, names: rows.map((r) => r.DeviceName) };
  }

  it('a job whose node died after one batch is not reported done, and resumes where it stopped once the lease expires', async () => {
    const { productKey, applyId, names } = await importJob(2_500, 'resume');
    // A node claims the job, commits one batch and dies without a word.
    const claimed = await claimImportJob(bed.store.db, 'node-that-died', bed.clock.now, LEASE_MS);
    expect(claimed?.apply_id).toBe(applyId);
    expect(await runImportBatch(bed.store.db, claimed!, 'node-that-died', bed.clock.now, { batchSize: 1_000, leaseMs: LEASE_MS })).toBe('continued');

    const half = await tenant.call('QueryBatchRegisterDeviceStatus', { ProductKey: productKey, ApplyId: applyId });
    expect(half.Data.Status).toBe('CREATE');
    expect(half.Data.ValidList.Name).toEqual(names.slice(0, 1_000));
    await expectAlibabaError(tenant.call('QueryImportedDeviceByApplyId', { ApplyId: applyId, PageNo: 1, PageSize: 10 }), 'iot.device.CreateDeviceTaskIsRunning');

    const runner = startImportJobRunner(bed.app, { pollMs: 5, leaseMs: LEASE_MS });
    try {
      // While the dead node's lease runs, nobody else touches the job.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await job(applyId)).next_seq).toBe(1_000);
      bed.clock.now += LEASE_MS + 1;
      const done = await settledImport(tenant, { ProductKey: productKey, ApplyId: applyId });
      expect(done.Data.Status).toBe('CREATE_SUCCESS');
      expect(done.Data.ValidList.Name).toEqual(names);
    } finally {
      await runner.stop();
    }
    expect(await deviceNames(productKey)).toEqual(names);
    expect((await tenant.call('QueryProduct', { ProductKey: productKey })).Data.DeviceCount).toBe(2_500);
    expect(await job(applyId)).toMatchObject({ attempts: 1, next_seq: 2_500, lease_owner: null, failure: null });
  });

  it('a runner stopped mid-job hands the job back at once; the next runner finishes it without counting an attempt', async () => {
    const { productKey, applyId, names } = await importJob(3_000, 'handback');
    const first = startImportJobRunner(bed.app, { pollMs: 5, batchSize: 50 });
    while ((await job(applyId)).next_seq === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    await first.stop();
    const stopped = await job(applyId);
    expect(stopped.lease_owner).toBeNull();
    expect(stopped.next_seq).toBeGreaterThan(0);

    const second = startImportJobRunner(bed.app, { pollMs: 5 });
    try {
      expect((await settledImport(tenant, { ProductKey: productKey, ApplyId: applyId })).Data.Status).toBe('CREATE_SUCCESS');
    } finally {
      await second.stop();
    }
    expect(await deviceNames(productKey)).toEqual(names);
    expect((await job(applyId)).attempts).toBe(0);
  });

  it('a name registered between the check and the run fails that row only: CREATE_FAILED, named in InvalidList', async () => {
    const { productKey, applyId, names } = await importJob(5, 'late');
    await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'late00002' });
    const runner = startImportJobRunner(bed.app, { pollMs: 5 });
    try {
      const done = await settledImport(tenant, { ProductKey: productKey, ApplyId: applyId });
      expect(done.Data).toEqual({ Status: 'CREATE_FAILED', ValidList: { Name: names.filter((n) => n !== 'late00002') }, InvalidList: { Name: ['late00002'] } });
    } finally {
      await runner.stop();
    }
    const page = await tenant.call('QueryImportedDeviceByApplyId', { ApplyId: applyId, PageNo: 1, PageSize: 50 });
    expect(page.DeviceList.device.map((d: { DeviceName: string }) => d.DeviceName)).toEqual(names.filter((n) => n !== 'late00002'));
    // The registered device keeps its own secret.
    expect((await tenant.call('QueryDeviceInfo', { ProductKey: productKey, DeviceName: 'late00002' })).Data.DeviceSecret).not.toBe('secret-2');
    expect((await tenant.call('QueryProduct', { ProductKey: productKey })).Data.DeviceCount).toBe(5);
  });

  it('a product that fills up mid-job ends the job as CREATE_FAILED, every unprocessed row reported', async () => {
    const { productKey, applyId, names } = await importJob(300, 'full');
    await bed.store.db.updateTable('iot_products').set({ device_count: MAX_DEVICES_PER_PRODUCT - 150 }).where('product_key', '=', productKey).execute();
    const runner = startImportJobRunner(bed.app, { pollMs: 5, batchSize: 100 });
    try {
      const done = await settledImport(tenant, { ProductKey: productKey, ApplyId: applyId });
      expect(done.Data).toEqual({ Status: 'CREATE_FAILED', ValidList: { Name: names.slice(0, 100) }, InvalidList: { Name: names.slice(100) } });
    } finally {
      await runner.stop();
    }
    expect(await job(applyId)).toMatchObject({ failure: 'iot.device.DeviceCountExceeded', lease_owner: null });
    expect((await tenant.call('QueryProduct', { ProductKey: productKey })).Data.DeviceCount).toBe(MAX_DEVICES_PER_PRODUCT - 50);
  });

  it('a job lost by runner after runner is ended as CREATE_FAILED rather than retried for ever', async () => {
    const { productKey, applyId, names } = await importJob(10, 'cursed');
    for (let i = 0; i < 5; i++) {
      expect((await claimImportJob(bed.store.db, `crashing-node-${i}`, bed.clock.now, LEASE_MS))?.apply_id).toBe(applyId);
      bed.clock.now += LEASE_MS + 1;
    }
    const runner = startImportJobRunner(bed.app, { pollMs: 5, maxAttempts: 5 });
    try {
      const done = await settledImport(tenant, { ProductKey: productKey, ApplyId: applyId });
      expect(done.Data).toEqual({ Status: 'CREATE_FAILED', ValidList: { Name: [] }, InvalidList: { Name: names } });
    } finally {
      await runner.stop();
    }
    expect(await job(applyId)).toMatchObject({ failure: 'iot.device.ApplyManyDevicesFailed', attempts: 5 });
    expect(await deviceNames(productKey)).toEqual([]);
  });

  it('two nodes working the same jobs create every device exactly once', async () => {
    const jobs = await Promise.all([0, 1, 2, 3].map((i) => importJob(1_200, `node${i}-`)));
    const nodeA = startImportJobRunner(bed.app, { pollMs: 2, batchSize: 200 });
    const nodeB = startImportJobRunner(bed.app, { pollMs: 2, batchSize: 200 });
    try {
      for (const { productKey, applyId } of jobs) {
        expect((await settledImport(tenant, { ProductKey: productKey, ApplyId: applyId })).Data.Status).toBe('CREATE_SUCCESS');
      }
    } finally {
      await Promise.all([nodeA.stop(), nodeB.stop()]);
    }
    for (const { productKey, names } of jobs) {
      expect(await deviceNames(productKey)).toEqual(names);
      expect((await tenant.call('QueryProduct', { ProductKey: productKey })).Data.DeviceCount).toBe(1_200);
    }
  });

  it('deleting the product of a waiting job removes the job; the runner carries on with the others', async () => {
    const doomed = await importJob(10, 'doomed');
    const kept = await importJob(10, 'kept');
    await tenant.call('DeleteProduct', { ProductKey: doomed.productKey });
    await expectAlibabaError(tenant.call('QueryImportedDeviceByApplyId', { ApplyId: doomed.applyId, PageNo: 1, PageSize: 10 }), 'iot.device.DeviceApplyIsNotFound');
    const runner = startImportJobRunner(bed.app, { pollMs: 5 });
    try {
      expect((await settledImport(tenant, { ProductKey: kept.productKey, ApplyId: kept.applyId })).Data.Status).toBe('CREATE_SUCCESS');
    } finally {
      await runner.stop();
    }
    expect(await bed.store.db.selectFrom('iot_import_rows').select('seq').where('apply_id', '=', doomed.applyId).execute()).toEqual([]);
  });
});
