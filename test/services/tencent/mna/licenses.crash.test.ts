import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServing, type ServingProcess } from '../../../support/cli.ts';
import { mnaClient } from '../../../support/tencent-harness.ts';
import { DEFAULT_PRICES } from '../../../../src/storage/migrations/0009_billing_licensing.ts';

const DEVICES = 60;
const IN_FLIGHT = 6;
const PRICE = DEFAULT_PRICES['mna.license.permanent.0']!;
const FUNDS = PRICE * DEVICES;

const dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-order-crash-'));
const adminToken = `crash-admin-${randomBytes(8).toString('hex')}`;
const env = { FLEETGATE_DATA_DIR: dataDir, FLEETGATE_MASTER_KEY: randomBytes(32).toString('base64'), FLEETGATE_ADMIN_TOKEN: adminToken, FLEETGATE_RATE_LIMIT: '100000' };
const running: ServingProcess[] = [];
afterAll(async () => {
  for (const serving of running) if (serving.child.exitCode === null && serving.child.signalCode === null) serving.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response shapes are asserted below
async function admin(serving: ServingProcess, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${serving.url}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

describe('OrderPerLicense crash safety (SQLite file)', () => {
  it('kill -9 during a stream of orders: after a restart every order is paid with its license or not charged at all', async () => {
    let serving = await startServing([], env);
    running.push(serving);
    const { account, keys } = await admin(serving, 'POST', '/accounts', { name: 'crash-payer' });
    const key = keys.find((k: { cloud: string }) => k.cloud === 'tencent');
    const tencent = { tencent: { secretId: key.keyId, secretKey: key.secret } };
    await admin(serving, 'POST', `/accounts/${account.id}/credits`, { amount: FUNDS });
    const client = mnaClient(serving, tencent, { reqTimeout: 10 });
    const devices: string[] = [];
    for (let i = 0; i < DEVICES; i++) devices.push((await client.AddDevice({ DeviceName: `crash-${i}` })).DeviceId!);

    const acknowledged = new Set<string>();
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < DEVICES && !killed) {
        const deviceId = devices[next++]!;
        try {
          await client.OrderPerLicense({ DeviceId: deviceId, Type: 0 });
          acknowledged.add(deviceId);
          if (acknowledged.size >= 10 && !killed) {
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
    const reader = mnaClient(serving, tencent, { reqTimeout: 10 });
    const { DeviceInfos } = await reader.GetDevices({ PageNumber: -1, PageSize: -1 });
    const licensed = new Set(DeviceInfos!.filter((d) => d.LicensePayMode === 1).map((d) => d.DeviceId!));
    for (const deviceId of acknowledged) expect(licensed).toContain(deviceId);
    expect(licensed.size).toBeLessThan(DEVICES);

    const { balance } = await admin(serving, 'GET', `/accounts/${account.id}/balance`);
    const { entries } = await admin(serving, 'GET', `/accounts/${account.id}/ledger?limit=100`);
    const orders = entries.filter((e: { kind: string }) => e.kind === 'order');
    // Charged exactly for the licensed devices, each once, and the balance is the sum of the ledger.
    expect(balance).toBe(FUNDS - PRICE * licensed.size);
    expect(new Set(orders.map((e: { deviceId: string }) => e.deviceId))).toEqual(licensed);
    expect(orders).toHaveLength(licensed.size);
    expect(entries.reduce((sum: number, e: { amount: number }) => sum + e.amount, 0)).toBe(balance);

    // The orders that never committed were not charged: they succeed now.
    for (const deviceId of devices) if (!licensed.has(deviceId)) await reader.OrderPerLicense({ DeviceId: deviceId, Type: 0 });
    expect(await admin(serving, 'GET', `/accounts/${account.id}/balance`)).toEqual({ balance: 0, currency: 'CNY' });
    serving.child.kill('SIGKILL');
  }, 120_000);
});
