import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findImport, importCsv, MAX_RECORD_BYTES } from '../../src/bulk-import/csv-import.ts';
import { hardwareImport } from '../../src/services/tencent/mna/hardware-import.ts';
import { deviceImport } from '../../src/services/alibaba/iot/device-import.ts';
import { registerVendor } from '../../src/services/tencent/mna/store/vendors.ts';
import { findDeviceByName, openDeviceSecret } from '../../src/services/alibaba/iot/store/devices.ts';
import { ROW_ERROR } from '../../src/services/alibaba/iot/import-check.ts';
import { openTestbed, type Testbed } from '../services/alibaba/iot/support.ts';

const BOM = '\ufeff';

describe.each(['sqlite-memory', 'postgres'] as const)('bulk CSV import (%s)', (kind) => {
  let bed: Testbed;
  let dir: string;
  let files = 0;
  beforeAll(async () => {
    bed = await openTestbed(kind);
    dir = mkdtempSync(join(tmpdir(), 'fleetgate-import-'));
  });
  afterAll(async () => {
    await bed.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const csv = (text: string): { file: string; report: string } => {
    const file = join(dir, `f${++files}.csv`);
    writeFileSync(file, text);
    return { file, report: `${file}.rejected.csv` };
  };
  const reportOf = (report: string): string[][] =>
    readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => {
        const [number, key, ...rest] = line.split(',');
        return [number!, key!, rest.join(',')];
      });
  const vendor = async () => {
    const tenant = await bed.tenant();
    await registerVendor(bed.store.db, tenant.accountId, `v${tenant.accountId}`, bed.clock.now);
    return { accountId: tenant.accountId, target: hardwareImport(tenant.accountId, undefined, bed.app.now) };
  };
  const serials = async (accountId: string): Promise<string[]> =>
    (await bed.store.db.selectFrom('mna_hardware').select('sn').where('account_id', '=', accountId).orderBy('sn').execute()).map((row) => row.sn);

  it('a BOM, CRLF, empty lines, wrong column counts, invalid values and repeated SNs: each row judged, each refusal reported with its reason', async () => {
    const { accountId, target } = await vendor();
    const { file, report } = csv(
      `${BOM}SN,LicenseChargingMode,Description\r\nSN-1,1,first\r\n\r\nSN-2,2,"quoted, with comma"\r\nbad sn,1,x\r\nSN-3,7,x\r\nSN-1,1,again\r\nSN-4,1\r\nSN-5,1,a,b\r\n\r\nSN-6,3,\r\n`,
    );
    const outcome = await importCsv(bed.app, target, { accountId, target: '', file, report });
    expect(outcome).toMatchObject({ status: 'finished', read: 8, valid: 3, rejected: 5, written: 3, failure: null });
    expect(await serials(accountId)).toEqual(['SN-1', 'SN-2', 'SN-6']);
    const rows = reportOf(report);
    expect(rows.map(([line, key]) => [line, key])).toEqual([
      ['5', 'bad sn'],
      ['6', 'SN-3'],
      ['7', 'SN-1'],
      ['8', 'SN-4'],
      ['9', 'SN-5'],
    ]);
    expect(rows[0]![2]).toContain('InvalidParameterValue');
    expect(rows[1]![2]).toContain('LicenseChargingMode');
    expect(rows[2]![2]).toContain('OperationDenied.DuplicateSN');
    expect(rows[3]![2]).toContain('expected 3 columns, found 2');
    expect(rows[4]![2]).toContain('expected 3 columns, found 4');
  });

  it('a stray quote stops the import at its line, after the rows before it; fixing the line and running again resumes', async () => {
    const { accountId, target } = await vendor();
    const { file, report } = csv('SN,LicenseChargingMode\nQ-1,1\nQ-2,1\n"Q-3"x,1\nQ-4,1\n');
    const stopped = await importCsv(bed.app, target, { accountId, target: '', file, report, batchSize: 1 });
    expect(stopped.status).toBe('failed');
    expect(stopped.failure).toMatch(/^line 4: Invalid Closing Quote/);
    expect(await serials(accountId)).toEqual(['Q-1', 'Q-2']);
    writeFileSync(file, 'SN,LicenseChargingMode\nQ-1,1\nQ-2,1\n"Q-3",1\nQ-4,1\n');
    const resumed = await importCsv(bed.app, target, { accountId, target: '', file, report, batchSize: 1 });
    expect(resumed).toMatchObject({ importId: stopped.importId, status: 'finished', resumedAfter: 2, read: 4, written: 4, rejected: 0 });
    expect(await serials(accountId)).toEqual(['Q-1', 'Q-2', 'Q-3', 'Q-4']);
  });

  it('a 10 MB line stops the import with a clear reason, memory bounded, nothing after it written', async () => {
    const { accountId } = await vendor();
    const { file, report } = csv(`SN,Description\nL-1,ok\nL-2,${'x'.repeat(10 * 1024 * 1024)}\nL-3,never\n`);
    const outcome = await importCsv(bed.app, hardwareImport(accountId, 1, bed.app.now), { accountId, target: '', file, report });
    expect(outcome.status).toBe('failed');
    expect(outcome.failure).toContain(`maximum number of tolerated bytes of ${MAX_RECORD_BYTES}`);
    expect(await serials(accountId)).toEqual(['L-1']);
  });

  it.each([
    ['an unknown column', 'SN,Colour\nA-1,red\n', 'unknown columns Colour'],
    ['no SN column', 'Serial\nA-1\n', 'lacks SN'],
    ['an empty file', '', 'the file is empty'],
  ])('%s refuses the whole file before any write', async (_what, text, reason) => {
    const { accountId, target } = await vendor();
    const { file, report } = csv(text);
    const outcome = await importCsv(bed.app, target, { accountId, target: '', file, report });
    expect(outcome).toMatchObject({ status: 'failed', read: 0, written: 0 });
    expect(outcome.failure).toContain(reason);
    expect(await serials(accountId)).toEqual([]);
  });

  it('an interrupted import resumes after its last committed batch: no row twice, the report cut back to what committed', async () => {
    const { accountId } = await vendor();
    const target = hardwareImport(accountId, 2, bed.app.now);
    const lines = Array.from({ length: 10 }, (_, i) => (i === 3 ? 'bad sn' : `R-${i}`));
    const { file, report } = csv(`SN\n${lines.join('\n')}\n`);
    const stop = new AbortController();
    const first = await importCsv(bed.app, target, {
      accountId,
      target: '',
      file,
      report,
      batchSize: 4,
      signal: stop.signal,
      onProgress: () => stop.abort(),
    });
    expect(first).toMatchObject({ status: 'running', read: 4, written: 3, rejected: 1 });
    // A crash between a report write and its commit leaves lines the resume must drop.
    appendFileSync(report, '99,ghost,never committed\n');
    const job = (await findImport(bed.store.db, accountId, first.importId))!;
    expect(statSync(report).size).toBeGreaterThan(job.report_bytes);
    const second = await importCsv(bed.app, target, { accountId, target: '', file, report, batchSize: 4 });
    expect(second).toMatchObject({ importId: first.importId, status: 'finished', resumedAfter: 4, read: 10, written: 9, rejected: 1 });
    expect((await serials(accountId)).length).toBe(9);
    expect(reportOf(report).map(([line, key]) => [line, key])).toEqual([['5', 'bad sn']]);
  });

  it('a report removed before the resume starts over with its header instead of being padded out', async () => {
    const { accountId } = await vendor();
    const target = hardwareImport(accountId, 1, bed.app.now);
    const { file, report } = csv('SN\nbad sn\nM-1\nM-2\nalso bad\n');
    const stop = new AbortController();
    await importCsv(bed.app, target, { accountId, target: '', file, report, batchSize: 2, signal: stop.signal, onProgress: () => stop.abort() });
    rmSync(report);
    const resumed = await importCsv(bed.app, target, { accountId, target: '', file, report, batchSize: 2 });
    expect(resumed).toMatchObject({ status: 'finished', resumedAfter: 2, written: 2, rejected: 2 });
    expect(readFileSync(report, 'utf8')).toMatch(/^line,key,reason\n5,also bad,/);
  });

  it("devices: Alibaba's import CSV under BatchCheckImportDevice's rules and wording; secrets sealed; existing names refused", async () => {
    const tenant = await bed.tenant();
    const productKey = await tenant.product();
    await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'existing' });
    const target = deviceImport(bed.secrets, tenant.accountId, productKey, bed.app.now);
    const { file, report } = csv('DeviceName,DeviceSecret,Sn\nlamp_0001,s3cret,SN001\nab,s3cret,\nlamp_0002,bad secret!,SN002\nlamp_0001,other,\nexisting,s3cret,\nlamp_0003,s3cret,bad-sn\nlamp_0004,k,\n');
    const outcome = await importCsv(bed.app, target, { accountId: tenant.accountId, target: productKey, file, report });
    expect(outcome).toMatchObject({ status: 'finished', read: 7, written: 2, rejected: 5 });
    expect(reportOf(report)).toEqual([
      ['3', 'ab', ROW_ERROR.name],
      ['4', 'lamp_0002', ROW_ERROR.secret],
      ['5', 'lamp_0001', ROW_ERROR.twice],
      ['7', 'lamp_0003', ROW_ERROR.sn],
      ['6', 'existing', ROW_ERROR.exists],
    ]);
    const lamp = (await findDeviceByName(bed.store.db, tenant.accountId, productKey, 'lamp_0001'))!;
    expect(lamp.sn).toBe('SN001');
    expect(openDeviceSecret(bed.secrets, lamp)).toBe('s3cret');
    const product = await bed.store.db.selectFrom('iot_products').select('device_count').where('product_key', '=', productKey).executeTakeFirstOrThrow();
    expect(Number(product.device_count)).toBe(3);
  });
});
