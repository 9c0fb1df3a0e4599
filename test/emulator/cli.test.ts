import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestServer, type TestAccount, type TestServer } from '../support/server.ts';
import { runCli } from '../support/cli.ts';
import { freePort } from '../support/ports.ts';
import { expectTencentError, mnaClient } from '../support/tencent-harness.ts';

/** No token from the environment of whoever runs the tests. */
const NO_ENV_TOKEN = { FLEETGATE_ADMIN_TOKEN: '' };

describe.each(DIALECTS)('fleetgate emulator (CLI) against a server on %s', (dialect) => {
  let server: TestServer;
  let account: TestAccount;
  let dataDir: string;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
    account = await server.createAccount();
    dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-cli-'));
    writeFileSync(join(dataDir, 'admin.token'), `${server.adminToken}\n`);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const emulator = (args: readonly string[], env: Record<string, string> = { FLEETGATE_ADMIN_TOKEN: server.adminToken }) =>
    runCli(['emulator', ...args, '--url', server.url], env);

  it('health --json prints the server’s report; without --json a table, with the token read from the data dir', async () => {
    const [json, table] = await Promise.all([
      emulator(['health', '--json', '--admin-token', server.adminToken], NO_ENV_TOKEN),
      runCli(['--data-dir', dataDir, 'emulator', 'health', '--url', server.url], NO_ENV_TOKEN),
    ]);
    expect(json.code, json.stderr).toBe(0);
    const health = JSON.parse(json.stdout);
    expect(health.database).toEqual({ dialect, reachable: true, state: 'running' });
    expect(health.products.map((p: { product: string }) => p.product)).toEqual(['mna', 'iotcloud', 'iot']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^tencent mna 2021-01-19\s+running\s+\d+ actions$/m);
    expect(table.stdout).toMatch(new RegExp(`^database\\s+running\\s+${dialect}$`, 'm'));
    expect(table.stdout).toMatch(/^redis\s+disabled\s+not configured$/m);
    expect(table.stdout).toMatch(/^mqtt\s+disabled\s+not configured$/m);
  });

  it('faults add injects an error the MNA SDK receives; list, remove and clear manage them', async () => {
    const added = await emulator(['faults', 'add', '--product', 'mna', '--action', 'GetPublicKey', '--error', 'FailedOperation.TransactionException', '--calls', '1', '--json']);
    expect(added.code, added.stderr).toBe(0);
    const { fault } = JSON.parse(added.stdout);
    expect(fault).toMatchObject({ cloud: '*', product: 'mna', action: 'GetPublicKey', account: '*', error: 'FailedOperation.TransactionException', rate: 1, calls: 1 });
    await expectTencentError(mnaClient(server, account).GetPublicKey(), 'FailedOperation.TransactionException');
    await mnaClient(server, account).GetPublicKey();

    const [kept, otherAdded] = await Promise.all([
      emulator(['faults', 'add', '--cloud', 'alibaba', '--latency', '50', '--rate', '0.5', '--ttl', '600', '--json']),
      emulator(['faults', 'add', '--product', 'iotcloud', '--error', 'InternalError', '--json']),
    ]);
    const keptId = JSON.parse(kept.stdout).fault.id as string;
    const other = JSON.parse(otherAdded.stdout).fault.id as string;
    const listed = await emulator(['faults', 'list']);
    expect(listed.stdout).toMatch(new RegExp(`^${keptId}\\s+alibaba/\\*/\\*/\\*\\s+50\\s+0\\.5\\s+0\\s+0\\s+\\S+Z$`, 'm'));
    expect(listed.stdout).toMatch(new RegExp(`^${other}\\s+\\*/iotcloud/\\*/\\*\\s+InternalError\\s+1\\s+0\\s+0\\s+never$`, 'm'));

    expect((await emulator(['faults', 'remove', keptId])).code).toBe(0);
    const missing = await emulator(['faults', 'remove', keptId, '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stderr)).toEqual({ error: { code: 'FaultNotFound', message: `no fault ${keptId}` } });
    const cleared = await emulator(['faults', 'clear', '--json']);
    expect(JSON.parse(cleared.stdout)).toEqual({ removed: 1 });
    expect(JSON.parse((await emulator(['faults', 'list', '--json'])).stdout)).toEqual({ faults: [] });
    // Eight CLI processes, one after another where order matters: a loaded machine needs the room.
  }, 90_000);

  it('faults add refuses a code outside the catalog with the server’s reason', async () => {
    const refused = await emulator(['faults', 'add', '--product', 'mna', '--error', 'RequestLimitExceded', '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stderr).error).toMatchObject({ code: 'InvalidFault', message: expect.stringContaining('RequestLimitExceded is not a Tencent Cloud error code') });
  });
});

describe('fleetgate emulator (CLI) failures before any fault', () => {
  let server: TestServer;
  let emptyDir: string;
  beforeAll(async () => {
    server = await startTestServer({ dialect: 'sqlite' });
    emptyDir = mkdtempSync(join(tmpdir(), 'fleetgate-cli-'));
  });
  afterAll(async () => {
    await server.close();
    rmSync(emptyDir, { recursive: true, force: true });
  });

  it('says which token is wrong or missing, and which server cannot be reached', async () => {
    const unusedPort = await freePort();
    const [wrong, missing, unreachable] = await Promise.all([
      runCli(['emulator', 'health', '--url', server.url, '--admin-token', 'nope', '--json'], NO_ENV_TOKEN),
      runCli(['--data-dir', emptyDir, 'emulator', 'faults', 'list', '--url', server.url, '--json'], NO_ENV_TOKEN),
      runCli(['emulator', 'health', '--url', `http://127.0.0.1:${unusedPort}`, '--admin-token', 'x', '--json'], NO_ENV_TOKEN),
    ]);
    expect([wrong.code, missing.code, unreachable.code]).toEqual([1, 1, 1]);
    expect(JSON.parse(wrong.stderr).error.code).toBe('Unauthorized');
    expect(JSON.parse(missing.stderr).error).toMatchObject({ code: 'AdminTokenMissing', message: expect.stringContaining(join(emptyDir, 'admin.token')) });
    expect(JSON.parse(unreachable.stderr).error).toMatchObject({ code: 'ServerUnreachable', message: expect.stringContaining(`http://127.0.0.1:${unusedPort}`) });
  });
});
