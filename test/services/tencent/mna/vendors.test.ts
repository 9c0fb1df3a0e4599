import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../support/server.ts';
import { runCli } from '../../../support/cli.ts';
import { openWorld, unique, type World } from './support.ts';
import { expectTencentError } from '../../../support/tencent-harness.ts';

describe.each(DIALECTS)('MNA vendors: admin API and CLI (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld(dialect);
  });
  afterAll(() => world?.close());

  const admin = async (method: string, path: string, body?: unknown, token = world.server.adminToken) => {
    const response = await fetch(`${world.server.url}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: { code: string } } };
  };

  describe('admin API', () => {
    it('registers, lists and shows a vendor, which may then use the vendor actions', async () => {
      const party = await world.party();
      await expectTencentError(party.client.GetVendorHardware({ PageNumber: 1, PageSize: 1 }), 'OperationDenied.VendorNotRegister');
      const name = unique('Acme');
      const created = await admin('POST', '/vendors', { accountId: party.account.id, name });
      expect(created).toEqual({ status: 201, body: { accountId: party.account.id, name, createdAt: expect.any(Number) } });
      expect((await admin('GET', '/vendors')).body.vendors).toContainEqual(created.body);
      expect(await admin('GET', `/vendors/${name}`)).toEqual({ status: 200, body: created.body });
      await expect(party.client.AddHardware({ Hardware: [{ SN: unique('sn'), LicenseChargingMode: 1 }] })).resolves.toBeDefined();
    });

    it('refuses a taken name, a second name for one account, an unknown account and a malformed name', async () => {
      const party = await world.party();
      expect((await admin('POST', '/vendors', { accountId: party.account.id, name: world.vendorName })).body.error?.code).toBe('VendorNameTaken');
      const taken = await admin('POST', '/vendors', { accountId: world.vendor.account.id, name: unique('second') });
      expect([taken.status, taken.body.error?.code]).toEqual([409, 'AlreadyVendor']);
      const missing = await admin('POST', '/vendors', { accountId: '999999999999', name: unique('ghost') });
      expect([missing.status, missing.body.error?.code]).toEqual([404, 'AccountNotFound']);
      expect((await admin('POST', '/vendors', { accountId: party.account.id, name: 'two words' })).status).toBe(400);
      const unknown = await admin('GET', `/vendors/${unique('nobody')}`);
      expect([unknown.status, unknown.body.error?.code]).toEqual([404, 'VendorNotFound']);
    });

    it('requires the admin token', async () => {
      expect((await admin('GET', '/vendors', undefined, 'wrong')).status).toBe(401);
      expect((await admin('POST', '/vendors', { accountId: world.customer.account.id, name: unique('x') }, 'wrong')).status).toBe(401);
    });
  });

  describe('CLI', () => {
    const env = () => {
      const { config } = world.server.app;
      return {
        FLEETGATE_DATA_DIR: config.dataDir,
        FLEETGATE_MASTER_KEY: config.masterKey!,
        FLEETGATE_ADMIN_TOKEN: world.server.adminToken,
        ...(config.databaseUrl && { FLEETGATE_DATABASE_URL: config.databaseUrl }),
      };
    };

    it('fleetgate vendors register / list / show, with --json', async () => {
      const party = await world.party();
      const name = unique('CliVendor');
      const registered = await runCli(['vendors', 'register', '--account', party.account.id, '--name', name, '--json'], env());
      expect(registered.code, registered.stderr).toBe(0);
      expect(JSON.parse(registered.stdout)).toEqual({ accountId: party.account.id, name, createdAt: expect.any(Number) });
      const listed = JSON.parse((await runCli(['vendors', 'list', '--json'], env())).stdout) as { vendors: { name: string }[] };
      expect(listed.vendors.map((v) => v.name)).toEqual(expect.arrayContaining([name, world.vendorName]));
      const shown = await runCli(['vendors', 'show', name], env());
      expect(shown.stdout).toMatch(new RegExp(`${name}\\s+${party.account.id}`));
      await expect(party.client.AddHardware({ Hardware: [{ SN: unique('sn'), LicenseChargingMode: 3 }] })).resolves.toBeDefined();
    });

    it('reports mistakes on stderr with exit code 1', async () => {
      const taken = await runCli(['vendors', 'register', '--account', world.customer.account.id, '--name', world.vendorName], env());
      expect([taken.code, taken.stderr]).toEqual([1, expect.stringContaining('is taken')]);
      const missing = await runCli(['vendors', 'show', unique('nobody')], env());
      expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining('no vendor named')]);
    });
  });
});
