import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startServing, type ServingProcess } from '../../../support/cli.ts';
import { mnaClient, type MnaClient } from '../../../support/tencent-harness.ts';

const BATCHES = 40;
const BATCH_SIZE = 100;
const IN_FLIGHT = 4;

const dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-mna-crash-'));
const env = { FLEETGATE_DATA_DIR: dataDir, FLEETGATE_MASTER_KEY: randomBytes(32).toString('base64'), FLEETGATE_RATE_LIMIT: '100000' };
const running: ServingProcess[] = [];
afterAll(async () => {
  for (const serving of running) if (serving.child.exitCode === null && serving.child.signalCode === null) serving.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function account(name: string) {
  const created = await runCli(['accounts', 'create', name, '--json'], env);
  expect(created.code, created.stderr).toBe(0);
  const { account, keys } = JSON.parse(created.stdout) as { account: { id: string }; keys: { cloud: string; keyId: string; secret: string }[] };
  const key = keys.find((k) => k.cloud === 'tencent')!;
  return { id: account.id, tencent: { secretId: key.keyId, secretKey: key.secret } };
}

const client = (serving: ServingProcess, account: { tencent: { secretId: string; secretKey: string } }): MnaClient => mnaClient(serving, account, { reqTimeout: 10 });

const batch = (vendor: string, k: number) =>
  Array.from({ length: BATCH_SIZE }, (_, i) => ({ Vendor: vendor, SN: `b${k}-${i}`, DeviceName: `b${k}-${i}` }));

describe('MNA crash safety (SQLite file)', () => {
  it('kill -9 while ActivateHardware batches stream in: after a restart every batch is fully present or fully absent', async () => {
    const vendor = await account('crash-vendor');
    const customer = await account('crash-customer');
    const vendorName = 'CrashVendor';
    expect((await runCli(['vendors', 'register', '--account', vendor.id, '--name', vendorName], env)).code).toBe(0);

    let serving = await startServing([], env);
    running.push(serving);
    for (let k = 0; k < BATCHES; k++) {
      await client(serving, vendor).AddHardware({ Hardware: batch(vendorName, k).map(({ SN }) => ({ SN, LicenseChargingMode: 1 })) });
    }

    // Stream the batches with several in flight, and kill the server once a few have been acknowledged.
    const acknowledged = new Set<number>();
    const customerClient = client(serving, customer);
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < BATCHES && !killed) {
        const k = next++;
        try {
          await customerClient.ActivateHardware({ Hardware: batch(vendorName, k) });
          acknowledged.add(k);
          if (acknowledged.size >= 5 && !killed) {
            killed = true;
            serving.child.kill('SIGKILL');
          }
        } catch {
          // In flight when the process died.
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    if (serving.child.exitCode === null) await once(serving.child, 'exit');
    expect(serving.child.signalCode).toBe('SIGKILL');

    serving = await startServing([], env);
    running.push(serving);
    const vendorClient = client(serving, vendor);
    const reader = client(serving, customer);
    const present: number[] = [];
    for (let k = 0; k < BATCHES; k++) {
      const activated = await vendorClient.GetVendorHardware({ PageNumber: 1, PageSize: BATCH_SIZE, Keyword: `b${k}-`, Status: 2 });
      const devices = await reader.GetDevices({ PageNumber: -1, PageSize: -1, Keyword: `b${k}-` });
      expect([0, BATCH_SIZE], `batch ${k}`).toContain(activated.Length);
      expect(devices.Length, `batch ${k}`).toBe(activated.Length);
      if (activated.Length === BATCH_SIZE) present.push(k);
    }
    for (const k of acknowledged) expect(present).toContain(k);
    expect(present.length).toBeLessThan(BATCHES);

    // The absent batches were untouched: they activate now, whole.
    for (let k = 0; k < BATCHES; k++) {
      if (!present.includes(k)) await reader.ActivateHardware({ Hardware: batch(vendorName, k) });
    }
    expect((await reader.GetDevices({ PageNumber: 1, PageSize: 1 })).Length).toBe(BATCHES * BATCH_SIZE);
    serving.child.kill('SIGKILL');
  }, 120_000);
});
