import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_FIXTURE, CUSTOMER, VENDOR } from '../support/emulator-fixture.ts';
import { startTestServer, type TestAccount, type TestServer } from '../support/server.ts';
import { alibabaClient } from '../support/alibaba-harness.ts';
import { consoleRoutesOf, CONSOLE_API_PREFIX } from '../../src/console/console-api.ts';
import type { Access } from '../../src/console/console-route.ts';
import { consoleCaller, signIn, until } from './support.ts';

type Owner = 'customer' | 'vendor';

/** How to call one route on a victim's resources; `read`: an admin session may call it and gets 200 (a read without side effects). */
interface MatrixRow {
  readonly owner?: Owner;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly read?: boolean;
}

const CSV = 'SN\nMATRIX0001\n';

/**
 * Every console route, the emulator controls it mounts included: the test below fails when a
 * route is added without a row here, so no route escapes the tenant matrix.
 */
const MATRIX: Readonly<Record<string, MatrixRow>> = {
  'POST /session': {},
  'GET /session': {},
  'GET /accounts': { read: true },
  'POST /accounts': { body: { name: 'matrix-made' } },
  'GET /accounts/:accountId': { read: true },
  'POST /accounts/:accountId/disable': {},
  'GET /accounts/:accountId/keys': { read: true },
  'POST /accounts/:accountId/keys': { body: { cloud: 'tencent' } },
  'POST /accounts/:accountId/keys/:keyId/disable': {},
  'GET /accounts/:accountId/users': { read: true },
  'POST /accounts/:accountId/users': { body: { name: 'intruder' } },
  'PATCH /accounts/:accountId/users/:userId': { body: { canPay: false } },
  'GET /mna/vendors': { read: true },
  'GET /accounts/:accountId/mna/vendor': { owner: 'vendor', read: true },
  'POST /accounts/:accountId/mna/vendor': { body: { name: 'intruder' } },
  'GET /accounts/:accountId/mna/hardware': { owner: 'vendor', read: true },
  'POST /accounts/:accountId/mna/hardware/imports': { owner: 'vendor', body: CSV, contentType: 'text/csv' },
  'GET /accounts/:accountId/imports/:importId': { owner: 'vendor', read: true },
  'GET /accounts/:accountId/imports/:importId/report': { owner: 'vendor', read: true },
  'GET /accounts/:accountId/mna/activations/histogram': { owner: 'vendor', read: true },
  'GET /accounts/:accountId/mna/devices': { read: true },
  'GET /accounts/:accountId/mna/groups': { read: true },
  'GET /accounts/:accountId/mna/licenses': { read: true },
  'GET /accounts/:accountId/mna/flow-packages': { read: true },
  'GET /accounts/:accountId/balance': { read: true },
  'GET /accounts/:accountId/vouchers': { read: true },
  'GET /accounts/:accountId/ledger': { read: true },
  'GET /accounts/:accountId/ledger.csv': { read: true },
  'GET /accounts/:accountId/iothub/products': { read: true },
  'POST /accounts/:accountId/iothub/products/:productId/secret': { read: true },
  'PUT /accounts/:accountId/iothub/products/:productId/dynamic-registration': { body: { registerType: 2, registerLimit: 5 } },
  'GET /accounts/:accountId/iothub/products/:productId/devices': { read: true },
  'GET /accounts/:accountId/iot/instances': { read: true },
  'GET /accounts/:accountId/iot/products': { read: true },
  'PUT /accounts/:accountId/iot/products/:productKey/dynamic-registration': { body: { enabled: true } },
  'GET /accounts/:accountId/iot/products/:productKey/devices': { read: true },
  'POST /accounts/:accountId/iot/products/:productKey/imports': { body: 'DeviceName,DeviceSecret\nintruder-1,intruderSecret0001\n', contentType: 'text/csv' },
  'GET /accounts/:accountId/iot/jobs': { read: true },
  'GET /accounts/:accountId/iot/jobs/:applyId': { read: true },
  'GET /accounts/:accountId/iot/jobs/:applyId/rows': { read: true },
  'GET /emulator/calls': { read: true },
  'GET /emulator/calls/stream': {},
  'GET /emulator/health': { read: true },
  'POST /emulator/seed': { body: {} },
  'POST /emulator/reset': { body: {} },
  'GET /emulator/snapshots': { read: true },
  'POST /emulator/snapshots': { body: { name: 'matrix' } },
  'POST /emulator/snapshots/:name/restore': {},
  'GET /emulator/clock': { read: true },
  'POST /emulator/clock': { body: { advanceMs: 1 } },
  'DELETE /emulator/clock': {},
  'GET /emulator/faults': { read: true },
  'POST /emulator/faults': { body: { error: 'InternalError' } },
  'DELETE /emulator/faults': {},
  'DELETE /emulator/faults/:id': {},
};

describe('console tenant matrix: an account session never reaches another account', () => {
  let server: TestServer;
  let intruder: TestAccount;
  let routes: { method: string; url: string; access: Access }[];
  const victim: Record<string, string> = {};
  const owners: Record<Owner, string> = { customer: CUSTOMER.id, vendor: VENDOR.id };

  beforeAll(async () => {
    server = await startTestServer({ dialect: 'sqlite', env: { FLEETGATE_SEED_FILE: EXAMPLE_FIXTURE } });
    intruder = await server.createAccount();
    routes = consoleRoutesOf(server.fastify).map((route) => ({ ...route, url: route.url.slice(CONSOLE_API_PREFIX.length) }));
    const admin = consoleCaller(server, await signIn(server, { adminToken: server.adminToken }));
    const users = await admin('GET', `/accounts/${CUSTOMER.id}/users`);
    const job = await alibabaClient('pop-core POST', server, CUSTOMER).call('BatchCheckDeviceNames', { ProductKey: 'a1walkLamp0', DeviceName: ['matrix-1', 'matrix-2'] });
    const imported = await admin('POST', `/accounts/${VENDOR.id}/mna/hardware/imports?licenseChargingMode=1`, 'SN\nMATRIX0002\nbad sn!\n', 'text/csv');
    expect(imported.status).toBe(202);
    await until(() => admin('GET', `/accounts/${VENDOR.id}/imports/${imported.body.importId}`), (answer) => answer.body.status !== 'running');
    Object.assign(victim, {
      keyId: CUSTOMER.tencent.secretId,
      userId: users.body.items[0].id,
      importId: imported.body.importId,
      productId: 'WALKMETER1',
      productKey: 'a1walkLamp0',
      applyId: String(job.Data.ApplyId),
      name: 'matrix',
      id: 'no-such-fault',
    });
  });
  afterAll(() => server.close());

  const path = (url: string, accountId: string) => url.replace(/:(\w+)/g, (_match, name: string) => (name === 'accountId' ? accountId : victim[name]!));

  it('has a row for every route the console registers, and no row for a route it does not', () => {
    const registered = routes.map((route) => `${route.method} ${route.url}`).sort();
    expect(Object.keys(MATRIX).sort()).toEqual(registered);
  });

  it("answers an account session 404 for another account's paths and 403 on admin routes, changing nothing", async () => {
    const intruding = consoleCaller(server, await signIn(server, { secretId: intruder.tencent.secretId, secretKey: intruder.tencent.secretKey }));
    for (const route of routes.filter((r) => r.access === 'own' || r.access === 'admin')) {
      const row = MATRIX[`${route.method} ${route.url}`]!;
      const answer = await intruding(route.method, path(route.url, owners[row.owner ?? 'customer']), row.body, row.contentType);
      expect({ route: `${route.method} ${route.url}`, status: answer.status }).toEqual({ route: `${route.method} ${route.url}`, status: route.access === 'own' ? 404 : 403 });
    }
    const admin = consoleCaller(server, await signIn(server, { adminToken: server.adminToken }));
    expect((await admin('GET', `/accounts/${CUSTOMER.id}/keys`)).body.items.every((key: { status: string }) => key.status === 'active')).toBe(true);
    expect((await admin('GET', `/accounts/${CUSTOMER.id}/users`)).body.items.map((user: { name: string }) => user.name)).not.toContain('intruder');
    expect((await admin('GET', `/accounts/${CUSTOMER.id}/iot/products`)).body.items[0].dynamicRegistration).toBe(false);
  });

  it("answers an account session 404 for another account's resources named under its own account", async () => {
    const intruding = consoleCaller(server, await signIn(server, { secretId: intruder.tencent.secretId, secretKey: intruder.tencent.secretKey }));
    const withResource = routes.filter((route) => route.access === 'own' && /:(?!accountId)\w+/.test(route.url));
    expect(withResource.length).toBeGreaterThan(5);
    for (const route of withResource) {
      const row = MATRIX[`${route.method} ${route.url}`]!;
      const answer = await intruding(route.method, path(route.url, intruder.id), row.body, row.contentType);
      expect({ route: `${route.method} ${route.url}`, status: answer.status }).toEqual({ route: `${route.method} ${route.url}`, status: 404 });
    }
  });

  it("lets an admin session read every account's data, and each account its own", async () => {
    const admin = consoleCaller(server, await signIn(server, { adminToken: server.adminToken }));
    const sessions: Record<Owner, ReturnType<typeof consoleCaller>> = {
      customer: consoleCaller(server, await signIn(server, { secretId: CUSTOMER.tencent.secretId, secretKey: CUSTOMER.tencent.secretKey })),
      vendor: consoleCaller(server, await signIn(server, { secretId: VENDOR.tencent.secretId, secretKey: VENDOR.tencent.secretKey })),
    };
    for (const route of routes.filter((r) => MATRIX[`${r.method} ${r.url}`]!.read)) {
      const owner = MATRIX[`${route.method} ${route.url}`]!.owner ?? 'customer';
      const url = path(route.url, owners[owner]);
      expect({ url, status: (await admin(route.method, url)).status }).toEqual({ url, status: 200 });
      if (route.access === 'own') expect({ url, status: (await sessions[owner](route.method, url)).status }).toEqual({ url, status: 200 });
    }
  });
});
