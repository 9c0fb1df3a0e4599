import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../support/server.ts';
import { runCli } from '../support/cli.ts';
import { registerVendor } from '../../src/services/tencent/mna/store/vendors.ts';

describe('bulk import through the admin API (a polled job) and the CLI (--json)', () => {
  let server: TestServer;
  let accountId: string;
  let dir: string;
  beforeAll(async () => {
    server = await startTestServer({ dialect: 'sqlite' });
    accountId = (await server.createAccount()).id;
    await registerVendor(server.app.store.db, accountId, `v${accountId}`, server.app.now());
    dir = mkdtempSync(join(tmpdir(), 'fleetgate-import-'));
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}/admin/v1${path}`, { ...init, headers: { authorization: `Bearer ${server.adminToken}`, ...init.headers } });

  it('POST a CSV as a job, poll it to its end, fetch the report of rejected rows', async () => {
    const rows = Array.from({ length: 2_500 }, (_, i) => `J-${i}`);
    rows[7] = 'not valid';
    const posted = await admin(`/accounts/${accountId}/imports/mna-hardware?licenseChargingMode=1`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: `SN\n${rows.join('\n')}\n`,
    });
    expect(posted.status).toBe(202);
    const { importId } = (await posted.json()) as { importId: string };
    let job: Record<string, unknown> = {};
    for (let polls = 0; polls < 300 && job.status !== 'finished'; polls++) {
      job = (await (await admin(`/accounts/${accountId}/imports/${importId}`)).json()) as Record<string, unknown>;
      if (job.status === 'running') await new Promise((done) => setTimeout(done, 50));
    }
    expect(job).toMatchObject({ kind: 'mna-hardware', status: 'finished', read: 2_500, valid: 2_499, rejected: 1, written: 2_499, failure: null });
    const report = await admin(`/accounts/${accountId}/imports/${importId}/report`);
    expect(report.headers['get']('content-type')).toContain('text/csv');
    expect((await report.text()).split('\n')[1]).toMatch(/^9,not valid,"?InvalidParameterValue/);
  });

  it('refuses an account that is not a vendor, and an unknown job', async () => {
    const other = (await server.createAccount()).id;
    const posted = await admin(`/accounts/${other}/imports/mna-hardware`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'SN\nA-1\n' });
    expect(posted.status).toBe(400);
    expect(((await posted.json()) as { error: { code: string } }).error.code).toBe('NotAVendor');
    expect((await admin(`/accounts/${accountId}/imports/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
  });

  it('fleetgate mna hardware import --json: the summary on stdout, exit 1 with the reason when the file stops it', async () => {
    const file = join(dir, 'sn.csv');
    writeFileSync(file, 'SN,LicenseChargingMode\nC-1,1\nC-2,9\n"C-3"x,1\n');
    const dbFile = join(server.app.config.dataDir, 'fleetgate.db');
    const result = await runCli(['--database-url', dbFile, 'mna', 'hardware', 'import', '--account', accountId, file, '--json'], {
      FLEETGATE_MASTER_KEY: server.app.config.masterKey!,
      FLEETGATE_LOG_LEVEL: 'warn',
    });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'failed', read: 2, written: 1, rejected: 1, report: `${file}.rejected.csv` });
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'ImportFailed' } });
    expect(readFileSync(`${file}.rejected.csv`, 'utf8')).toContain('3,C-2,');
  });
});
