import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, adminCaller, startCluster, startTestServer, type TestServer } from '../../../support/server.ts';
import { mnaClient } from '../../../support/tencent-harness.ts';
import { balance, credit, ledger } from '../../../../src/billing/ledger.ts';
import { priceOf, setPrices } from '../../../../src/billing/prices.ts';
import { sweepPackageRenewals } from '../../../../src/services/tencent/mna/package-renewal.ts';
import { EMULATOR_PREFIX } from '../../../../src/emulator/prefix.ts';
import { setAccountStatus } from '../../../../src/core/accounts.ts';
import { unique } from './support.ts';

const ITEM = 'mna.flow.DEVICE_1_FLOW_20G.0';
const DAY_MS = 86_400_000;

/** A fresh account with `fen` on its balance and one device, and its SDK client. */
async function customer(server: TestServer, fen: number) {
  const account = await server.createAccount();
  const client = mnaClient(server, account);
  if (fen > 0) await credit(server.app.store, account.id, fen, 'test', server.app.now());
  const device = (await client.AddDevice({ DeviceName: unique('dev') })).DeviceId!;
  return { account, client, device };
}

const buy = (client: ReturnType<typeof mnaClient>, device: string, AutoRenewFlag: boolean) =>
  client.OrderFlowPackage({ PackageType: 'DEVICE_1_FLOW_20G', DeviceList: [device], AutoRenewFlag, PackageRegion: 0 });

describe.each(DIALECTS)('MNA traffic package auto-renewal (%s)', (dialect) => {
  let server: TestServer;
  let admin: ReturnType<typeof adminCaller>;
  beforeAll(async () => {
    // No periodic sweep: each test sweeps when it has moved the clock.
    server = await startTestServer({ dialect, env: { FLEETGATE_RENEWAL_SWEEP_SECONDS: '0' } });
    admin = adminCaller(server);
  });
  afterAll(async () => server?.close());
  afterEach(async () => {
    await fetch(`${server.url}${EMULATOR_PREFIX}/clock`, { method: 'DELETE', headers: { authorization: `Bearer ${server.adminToken}` } });
    await setPrices(server.app.store, { [ITEM]: 2000 }, server.app.now());
  });

  /** Moves business time with the emulator clock, as an emulator user would. */
  const advance = async (ms: number) => {
    const moved = await fetch(`${server.url}${EMULATOR_PREFIX}/clock`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ advanceMs: ms }) });
    expect(moved.status).toBe(200);
  };
  const sweepNow = async () => {
    const swept = await admin('POST', '/flow-packages/renewals');
    expect(swept.status).toBe(200);
    return (await swept.json()) as { renewed: number; stopped: number; deferred: number };
  };
  const packageOf = async (client: ReturnType<typeof mnaClient>, ResourceId: string) => (await client.GetFlowPackages({ PageNumber: 1, PageSize: 10, ResourceId })).PackageList![0]!;

  it('renews a package with auto-renewal on once its period ends, once, at the current price, with a ledger entry, after the emulator clock moved', async () => {
    await setPrices(server.app.store, { [ITEM]: 2000 }, server.app.now());
    const { account, client, device } = await customer(server, 10_000);
    const { ResourceId } = await buy(client, device, true);
    const bought = await packageOf(client, ResourceId!);
    await setPrices(server.app.store, { [ITEM]: 2500 }, server.app.now());

    expect((await sweepNow()).renewed).toBe(0);
    await advance(32 * DAY_MS);
    await sweepNow();
    await sweepNow();

    expect(await balance(server.app.store.db, account.id)).toBe(10_000 - 2000 - 2500);
    const [renewal] = (await ledger(server.app.store.db, account.id, { offset: 0, limit: 1 })).entries;
    expect(renewal).toMatchObject({ kind: 'order', amount: -2500, action: 'RenewFlowPackage', resource: ResourceId, deviceId: device });
    const renewed = await packageOf(client, ResourceId!);
    expect(renewed).toMatchObject({ Status: 1, RenewFlag: true, ModifyStatus: 2, ActiveTime: bought.ExpireTime! + 1, CreateTime: bought.CreateTime });
    expect(renewed.ExpireTime! - renewed.ActiveTime!).toBeGreaterThanOrEqual(27 * 86_400);
  });

  it('charges each period once when the clock moved past several of them', async () => {
    const { account, client, device } = await customer(server, 10_000);
    await buy(client, device, true);
    await advance(3 * 31 * DAY_MS);
    await sweepNow();
    const entries = (await ledger(server.app.store.db, account.id, { offset: 0, limit: 10 })).entries.filter((e) => e.action === 'RenewFlowPackage');
    expect(entries).toHaveLength(3);
    expect(await balance(server.app.store.db, account.id)).toBe(10_000 - 4 * 2000);
  });

  it('a balance too low for the renewal charges nothing, turns renewal off, and the package expires', async () => {
    const { account, client, device } = await customer(server, 3000);
    const { ResourceId } = await buy(client, device, true);
    await advance(32 * DAY_MS);
    await sweepNow();
    expect(await balance(server.app.store.db, account.id)).toBe(1000);
    expect((await ledger(server.app.store.db, account.id, { offset: 0, limit: 10 })).entries.filter((e) => e.action === 'RenewFlowPackage')).toEqual([]);
    expect(await packageOf(client, ResourceId!)).toMatchObject({ Status: 2, RenewFlag: false, ModifyStatus: 0 });
    // Topping up afterwards does not bring an expired package back.
    await credit(server.app.store, account.id, 5000, 'late', server.app.now());
    await sweepNow();
    expect(await balance(server.app.store.db, account.id)).toBe(6000);
  });

  it('a package with auto-renewal off expires at the end of its period, uncharged, and shows as expired', async () => {
    const { account, client, device } = await customer(server, 10_000);
    const { ResourceId } = await buy(client, device, false);
    await advance(32 * DAY_MS);
    await sweepNow();
    expect(await balance(server.app.store.db, account.id)).toBe(8000);
    expect(await packageOf(client, ResourceId!)).toMatchObject({ Status: 2, RenewFlag: false });
    expect((await client.GetFlowPackages({ PageNumber: 1, PageSize: 10, Status: 2 })).PackageList!.map((p) => p.ResourceId)).toEqual([ResourceId]);
  });

  it('a package renewal was turned off for (ModifyPackageRenewFlag) is not renewed', async () => {
    const { account, client, device } = await customer(server, 10_000);
    const { ResourceId } = await buy(client, device, true);
    await client.ModifyPackageRenewFlag({ ResourceId: ResourceId!, RenewFlag: false });
    await advance(32 * DAY_MS);
    await sweepNow();
    expect(await balance(server.app.store.db, account.id)).toBe(8000);
  });

  it('a sweep pages past packages it has to defer, so a full page of them does not hold back the packages due after them', async () => {
    const { account, client } = await customer(server, 10_000);
    const devices = [];
    for (let n = 0; n < 3; n++) devices.push((await client.AddDevice({ DeviceName: unique('dev') })).DeviceId!);
    const [first, second, last] = await Promise.all(devices.map(async (device) => (await buy(client, device, true)).ResourceId!));
    const { db } = server.app.store;
    const packages = () => db.selectFrom('mna_flow_packages').select(['resource_id', 'expire_at', 'renew_flag']).where('account_id', '=', account.id);
    const lastEnds = (await packages().where('resource_id', '=', last!).executeTakeFirstOrThrow()).expire_at;
    // Unpriced packages (their price read fails, so they are deferred), ending before the other one: the whole first page of 2.
    for (const [resource, endsEarlier] of [[first!, 2000], [second!, 1000]] as const) {
      await db.updateTable('mna_flow_packages').set({ package_type: 'UNPRICED', expire_at: lastEnds - endsEarlier }).where('resource_id', '=', resource).execute();
    }
    try {
      await advance(32 * DAY_MS);
      expect(await sweepPackageRenewals(server.app, 2)).toMatchObject({ renewed: 1, deferred: 2 });
      expect(await balance(db, account.id)).toBe(10_000 - 4 * 2000);
      expect((await packages().where('resource_id', '=', last!).executeTakeFirstOrThrow()).expire_at).toBeGreaterThan(lastEnds);
      expect((await packages().where('resource_id', 'in', [first!, second!]).execute()).map((p) => p.renew_flag)).toEqual([1, 1]);
    } finally {
      await db.updateTable('mna_flow_packages').set({ renew_flag: 0 }).where('account_id', '=', account.id).execute();
    }
  });

  it("a disabled account's package is not charged and stops renewing", async () => {
    const { account, client, device } = await customer(server, 10_000);
    const { ResourceId } = await buy(client, device, true);
    await setAccountStatus(server.app.store.db, account.id, 'disabled');
    await advance(32 * DAY_MS);
    expect((await sweepNow()).stopped).toBeGreaterThanOrEqual(1);
    await setAccountStatus(server.app.store.db, account.id, 'active');
    await sweepNow();
    expect(await balance(server.app.store.db, account.id)).toBe(8000);
    expect((await ledger(server.app.store.db, account.id, { offset: 0, limit: 10 })).entries.filter((e) => e.action === 'RenewFlowPackage')).toEqual([]);
    expect(await packageOf(client, ResourceId!)).toMatchObject({ Status: 2, RenewFlag: false });
  });
});

describe('MNA traffic package auto-renewal across nodes (PostgreSQL)', () => {
  it('two nodes sweeping at once renew a period exactly once and charge it once', async () => {
    const cluster = await startCluster(2, { FLEETGATE_RENEWAL_SWEEP_SECONDS: '0' });
    try {
      const [a, b] = cluster.nodes as [TestServer, TestServer];
      const price = await priceOf(a.app.store.db, ITEM);
      const { account, client, device } = await customer(a, 10 * price);
      await buy(client, device, true);
      for (const node of [a, b]) node.app.clock.set(32 * DAY_MS);
      const sweeps = await Promise.all([a, b, a, b].map((node) => sweepPackageRenewals(node.app)));
      expect(sweeps.reduce((sum, sweep) => sum + sweep.renewed, 0)).toBe(1);
      expect(await balance(a.app.store.db, account.id)).toBe(8 * price);
      const renewals = (await ledger(a.app.store.db, account.id, { offset: 0, limit: 10 })).entries.filter((e) => e.action === 'RenewFlowPackage');
      expect(renewals).toHaveLength(1);
    } finally {
      await cluster.close();
    }
  });
});

describe('the renewal sweeper of a server', () => {
  it('renews due packages on its own every FLEETGATE_RENEWAL_SWEEP_SECONDS', async () => {
    const server = await startTestServer({ dialect: 'sqlite', env: { FLEETGATE_RENEWAL_SWEEP_SECONDS: '1' } });
    try {
      const { account, client, device } = await customer(server, 10_000);
      await buy(client, device, true);
      server.app.clock.set(32 * DAY_MS);
      const paid = await balance(server.app.store.db, account.id);
      while ((await balance(server.app.store.db, account.id)) === paid) await new Promise((done) => setTimeout(done, 200));
      expect(await balance(server.app.store.db, account.id)).toBe(paid - (await priceOf(server.app.store.db, ITEM)));
    } finally {
      await server.close();
    }
  });
});
