import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestServer, type TestServer } from '../../../support/server.ts';
import { runCli } from '../../../support/cli.ts';
import { alibabaClient, expectAlibabaError } from '../../../support/alibaba-harness.ts';

describe.each(DIALECTS)('IoT Enterprise instances through the admin API (%s)', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });
  afterAll(() => server.close());

  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${server.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  it('creates an instance whose products need its IotInstanceId, and lists instances per account', async () => {
    const account = await server.createAccount();
    const other = await server.createAccount();
    const created = await admin('POST', '/iot/instances', { accountId: account.id });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^iot-[a-z0-9]{8}$/), accountId: account.id, productCount: 0, createdAt: expect.any(Number) });
    const instance = created.body.id as string;
    await admin('POST', '/iot/instances', { accountId: other.id });

    const client = alibabaClient('iot20180120 ACS3', server, account);
    const productKey = (await client.call('CreateProduct', { ProductName: 'enterprise_product', NodeType: 0, IotInstanceId: instance })).ProductKey;
    expect((await client.call('QueryProduct', { ProductKey: productKey, IotInstanceId: instance })).Data.ProductKey).toBe(productKey);
    await expectAlibabaError(client.call('QueryProduct', { ProductKey: productKey }), 'iot.prod.NotExistedProduct');
    await expectAlibabaError(client.call('QueryProduct', { ProductKey: productKey, IotInstanceId: 'iot-zzzzzzzz' }), 'iot.system.InstanceNotFound');

    const mine = await admin('GET', `/iot/instances?accountId=${account.id}`);
    expect(mine.body).toEqual({ instances: [{ ...created.body, productCount: 1 }] });
    const all = await admin('GET', '/iot/instances');
    expect(all.body.instances.map((i: { accountId: string }) => i.accountId)).toEqual(expect.arrayContaining([account.id, other.id]));
  });

  it('answers 404 AccountNotFound for an unknown account and 400 for a malformed body', async () => {
    const missing = await admin('POST', '/iot/instances', { accountId: '999999999999' });
    expect(missing).toEqual({ status: 404, body: { error: { code: 'AccountNotFound', message: expect.any(String) } } });
    expect((await admin('POST', '/iot/instances', {})).status).toBe(400);
  });
});

describe('IoT Enterprise instances through the CLI', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-iot-cli-'));
  const env = { FLEETGATE_DATA_DIR: dataDir };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates and lists instances, as JSON and as a table', async () => {
    const { account } = JSON.parse((await runCli(['accounts', 'create', 'iot-cli', '--json'], env)).stdout);
    const created = await runCli(['iot', 'instances', 'create', '--account', account.id, '--json'], env);
    expect(created.code).toBe(0);
    const instance = JSON.parse(created.stdout);
    expect(instance).toEqual({ id: expect.stringMatching(/^iot-[a-z0-9]{8}$/), accountId: account.id, productCount: 0, createdAt: expect.any(Number) });
    const listed = JSON.parse((await runCli(['iot', 'instances', 'list', '--account', account.id, '--json'], env)).stdout);
    expect(listed).toEqual({ instances: [instance] });
    const table = await runCli(['iot', 'instances', 'list'], env);
    expect(table.stdout).toMatch(new RegExp(`^id\\s+account\\s+products\\s+created\\n${instance.id}\\s+${account.id}\\s+0\\s`));

    const missing = await runCli(['iot', 'instances', 'create', '--account', '999999999999'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no account 999999999999');
  });
});
