import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestServer, type TestServer } from '../support/server.ts';
import { runCli, startServing } from '../support/cli.ts';
import { mnaClient } from '../support/tencent-harness.ts';
import { CUSTOMER, EXAMPLE_FIXTURE, VENDOR, dumpState, expectReadmeExamplesWork } from '../support/emulator-fixture.ts';

// Each CLI run starts a Node process: the commands of both dialects' servers run side by side,
// a few rounds in all, so the suite stays short on a loaded machine.
describe('fleetgate emulator seed / reset / snapshot / clock (CLI) against servers on SQLite and PostgreSQL', () => {
  let servers: TestServer[];
  beforeAll(async () => {
    servers = await Promise.all(DIALECTS.map((dialect) => startTestServer({ dialect, env: { FLEETGATE_SEED_FILE: EXAMPLE_FIXTURE } })));
  });
  afterAll(() => Promise.all(servers.map((server) => server.close())));

  const emulator = async (server: TestServer, ...args: string[]) => {
    const result = await runCli(['emulator', ...args, '--url', server.url, '--json'], { FLEETGATE_ADMIN_TOKEN: server.adminToken });
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };
  const onEach = <T>(work: (server: TestServer) => Promise<T>) => Promise.all(servers.map(work));

  it('seed changes nothing on a seeded server; reset then the fixture restores the README examples; a snapshot round-trips the state; the clock moves', async () => {
    const seeded = await onEach(dumpState);
    const first = await onEach((server) => Promise.all([emulator(server, 'seed', EXAMPLE_FIXTURE), emulator(server, 'snapshot', 'save', 'seeded'), emulator(server, 'clock', 'set', '--advance', '30d')]));
    for (const [i, [seed, saved, clock]] of first.entries()) {
      expect(seed).toEqual({ created: { accounts: 0, subUsers: 0, billing: 0, mna: 0, iotcloud: 0, iot: 0 } });
      expect(saved.snapshot).toMatchObject({ name: 'seeded' });
      expect(clock).toMatchObject({ offsetMs: 30 * 86_400_000, signatures: false });
      expect(await dumpState(servers[i]!)).toEqual(seeded[i]);
    }

    // The SDKs sign with real time while business time is 30 days ahead.
    await onEach((server) => mnaClient(server, VENDOR).AddHardware({ Hardware: [{ SN: 'SN4242', LicenseChargingMode: 1 }] }));
    const reset = await onEach((server) => emulator(server, 'reset'));
    expect(reset).toEqual(servers.map(() => ({ reset: 'all', seeded: { accounts: 6, subUsers: 1, billing: 2, mna: 6, iotcloud: 2, iot: 3 } })));
    await onEach(expectReadmeExamplesWork);

    // A restore puts back exactly what was saved (ids and times included), not a re-seeded copy.
    const last = await onEach((server) => Promise.all([emulator(server, 'snapshot', 'restore', 'seeded'), emulator(server, 'clock', 'reset')]));
    for (const [i, [restored, clock]] of last.entries()) {
      expect(restored.restored.name).toBe('seeded');
      expect(clock).toMatchObject({ offsetMs: 0 });
      expect(await dumpState(servers[i]!)).toEqual(seeded[i]);
    }
    await onEach((server) => mnaClient(server, CUSTOMER).GetPublicKey());
  }, 180_000);
});

describe('fleetgate serve --seed --lenient-signatures', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-serve-seed-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = { FLEETGATE_DATA_DIR: dataDir, FLEETGATE_DATABASE_URL: '', FLEETGATE_ADMIN_TOKEN: '', FLEETGATE_SEED_FILE: '', FLEETGATE_LENIENT_SIGNATURES: '' };

  it('starts from the fixture (no default account printed), warns loudly that signatures are lenient, and accepts a wrong secret; a fixture its schema refuses stops it', async () => {
    const bad = join(dataDir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ accounts: [{ name: 'x', keys: [{ cloud: 'gcp', id: 'a', secret: 'b' }] }] }));
    const [serving, refused] = await Promise.all([
      startServing(['--seed', EXAMPLE_FIXTURE, '--lenient-signatures'], env),
      runCli(['--data-dir', join(dataDir, 'other'), 'serve', '--port', '0', '--seed', bad], env),
    ]);
    try {
      expect(serving.banner).toContain('WARNING: lenient signatures are on');
      expect(serving.banner).not.toContain('Created the default account');
      const forged = { ...CUSTOMER, tencent: { ...CUSTOMER.tencent, secretKey: 'wrong' } };
      expect(await mnaClient(serving, forged).GetHardwareInfo({ Vendor: 'acme', SN: 'SN0001' })).toMatchObject({ Vendor: 'acme', SN: 'SN0001' });
    } finally {
      serving.child.kill('SIGINT');
    }
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`fleetgate: the fixture ${bad}: accounts[0].keys[0].cloud must be one of tencent, alibaba\n`);
  }, 120_000);
});
