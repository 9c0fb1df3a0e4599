import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DIALECTS, startTestServer } from '../../../support/server.ts';
import { expectTencentError, mnaClient } from '../../../support/tencent-harness.ts';
import { openWorld, unique, type Party, type World } from './support.ts';
import { balance, credit, ledger } from '../../../../src/billing/ledger.ts';
import { issueVoucher, listVouchers } from '../../../../src/billing/vouchers.ts';
import { createSubUser } from '../../../../src/billing/users.ts';
import { priceOf, setPrices } from '../../../../src/billing/prices.ts';
import { boundToEffectivePackage } from '../../../../src/services/tencent/mna/store/package-binding.ts';
import { OrderFlowPackage } from '../../../../src/services/tencent/mna/OrderFlowPackage.ts';
import type { ActionContext } from '../../../../src/services/action-context.ts';

/** Epoch ms of a Beijing wall-clock time. */
const beijing = (iso: string) => Date.parse(`${iso}+08:00`);
const unix = (ms: number) => Math.floor(ms / 1000);
const START = beijing('2026-03-02T10:00:00');

describe.each(DIALECTS)('MNA traffic packages (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    // The business clock is Date: the SDK signs with it too, so server and client move together.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true, now: START });
    world = await openWorld(dialect, { now: () => Date.now() });
  });
  afterAll(async () => {
    await world?.close();
    vi.useRealTimers();
  });

  const app = () => world.server.app;
  /** A fresh customer with `fen` on its balance and `count` devices. */
  async function customerWith(fen: number, count: number): Promise<{ party: Party; devices: string[] }> {
    const party = await world.party();
    if (fen > 0) await credit(app().store, party.account.id, fen, 'test', Date.now());
    const devices: string[] = [];
    for (let i = 0; i < count; i++) devices.push((await party.client.AddDevice({ DeviceName: unique('dev') })).DeviceId!);
    return { party, devices };
  }
  const order = (party: Party, DeviceList: string[], extra: object = {}) =>
    party.client.OrderFlowPackage({ PackageType: 'DEVICE_2_FLOW_50G', DeviceList, AutoRenewFlag: false, PackageRegion: 0, ...extra });

  it('OrderFlowPackage charges the price list and GetFlowPackages shows the package, field for field', async () => {
    const price = await priceOf(app().store.db, 'mna.flow.DEVICE_2_FLOW_50G.0');
    const { party, devices } = await customerWith(price + 100, 2);
    const boughtAt = Date.now();
    const { ResourceId } = await order(party, devices, { AutoRenewFlag: true });
    expect(ResourceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-0$/);
    expect(await balance(app().store.db, party.account.id)).toBe(100);
    const [charge] = (await ledger(app().store.db, party.account.id, { offset: 0, limit: 1 })).entries;
    expect(charge).toMatchObject({ kind: 'order', amount: -price, resource: ResourceId });

    const listed = await party.client.GetFlowPackages({ PageNumber: 1, PageSize: 10 });
    expect(listed.Total).toBe(1);
    const info = listed.PackageList![0]!;
    expect(Object.keys(info).sort()).toEqual(
      ['ActiveTime', 'AppId', 'CapacityRemain', 'CapacityRemainPrecise', 'CapacitySize', 'CreateTime', 'DeviceList', 'ExpireTime', 'ModifyStatus', 'PackageType', 'RenewFlag', 'ResourceId', 'Status', 'TruncFlag'].sort(),
    );
    expect(info).toMatchObject({
      ResourceId,
      AppId: Number(party.account.id),
      PackageType: 'DEVICE_2_FLOW_50G',
      Status: 1,
      DeviceList: devices,
      CapacitySize: 50000,
      CapacityRemain: 50000,
      CapacityRemainPrecise: 50000,
      RenewFlag: true,
      ModifyStatus: 0,
      TruncFlag: false,
    });
    expect(info.ActiveTime).toBe(info.CreateTime);
    expect(Math.abs(info.CreateTime! - unix(boughtAt))).toBeLessThanOrEqual(1);
    // One calendar month, less a second: 2 March 10:00 → 2 April 09:59:59 (Beijing).
    expect(info.ExpireTime! - info.ActiveTime!).toBe(31 * 86400 - 1);
    expect(await boundToEffectivePackage(app().store.db, party.account.id, devices[0]!, Date.now())).toBe(true);
    const unbound = (await party.client.AddDevice({ DeviceName: unique('unbound') })).DeviceId!;
    expect((await party.client.GetDevicePayMode({ DeviceIdList: [devices[1]!, unbound] })).Result).toEqual([
      { DeviceId: devices[1], PayMode: 1, PayModeDesc: '50G流量包', ResourceId },
      { DeviceId: unbound, PayMode: 0, PayModeDesc: 'Pay-as-you-go by traffic' },
    ]);
  });

  it('charges a changed price, and pays with a voucher first (AutoVoucher), recording both movements', async () => {
    await setPrices(app().store, { 'mna.flow.DEVICE_1_FLOW_20G.1': 4321 }, Date.now());
    const { party, devices } = await customerWith(4000, 1);
    const voucher = await issueVoucher(app().store.db, { accountId: party.account.id, kind: 'cash', faceValue: 1000, expiresAt: Date.now() + 86_400_000, now: Date.now() });
    const { ResourceId } = await order(party, devices, { PackageType: 'DEVICE_1_FLOW_20G', PackageRegion: 1, AutoVoucher: true });
    expect(await balance(app().store.db, party.account.id)).toBe(4000 + 1000 - 4321);
    expect((await listVouchers(app().store.db, party.account.id)).find((v) => v.id === voucher.id)).toMatchObject({ remaining: 0 });
    const entries = (await ledger(app().store.db, party.account.id, { offset: 0, limit: 2 })).entries;
    expect(entries.map((e) => [e.kind, e.amount, e.resource])).toEqual([
      ['order', -4321, ResourceId],
      ['voucher', 1000, ResourceId],
    ]);
  });

  it('a designated voucher that does not meet the order is ignored: the balance pays all', async () => {
    const price = await priceOf(app().store.db, 'mna.flow.DEVICE_2_FLOW_50G.0');
    const { party, devices } = await customerWith(price, 1);
    const voucher = await issueVoucher(app().store.db, { accountId: party.account.id, kind: 'deduction', faceValue: 500, minOrderAmount: price + 1, expiresAt: Date.now() + 86_400_000, now: Date.now() });
    await order(party, devices, { VoucherIds: [voucher.id] });
    expect(await balance(app().store.db, party.account.id)).toBe(0);
  });

  it('refuses bad orders before charging: InvalidParameter, LimitExceeded, OperationDenied', async () => {
    const { party, devices } = await customerWith(1_000_000, 3);
    const other = await customerWith(0, 1);
    await expectTencentError(order(party, devices.slice(0, 1), { PackageType: 'DEVICE_4_FLOW_1T' }), 'InvalidParameter');
    await expectTencentError(order(party, devices.slice(0, 1), { PackageRegion: 2 }), 'InvalidParameter');
    await expectTencentError(order(party, devices.slice(0, 1), { AutoRenewFlag: true, FlowTruncFlag: true }), 'InvalidParameter');
    await expectTencentError(order(party, []), 'InvalidParameter');
    await expectTencentError(order(party, [devices[0]!, devices[0]!]), 'InvalidParameter');
    await expectTencentError(order(party, devices.slice(0, 1), { VoucherIds: ['v-a', 'v-b'] }), 'InvalidParameter');
    await expectTencentError(order(party, devices), 'LimitExceeded');
    await expectTencentError(order(party, [devices[0]!, other.devices[0]!]), 'OperationDenied');
    await expectTencentError(order(party, ['mna-0000000000']), 'OperationDenied');
    expect(await balance(app().store.db, party.account.id)).toBe(1_000_000);
    expect((await party.client.GetFlowPackages({ PageNumber: 1, PageSize: 10 })).Total).toBe(0);
  });

  it('a device holds one unexpired package per region: another order for it is ResourceInUse, uncharged', async () => {
    const { party, devices } = await customerWith(1_000_000, 2);
    await order(party, [devices[0]!]);
    const after = await balance(app().store.db, party.account.id);
    await expectTencentError(order(party, [devices[1]!, devices[0]!]), 'ResourceInUse');
    expect(await balance(app().store.db, party.account.id)).toBe(after);
    // Outside the Chinese mainland is another region.
    await order(party, [devices[0]!], { PackageRegion: 1 });
  });

  it('InsufficientBalance charges nothing and creates nothing', async () => {
    const { party, devices } = await customerWith(10, 1);
    await expectTencentError(order(party, devices), 'OperationDenied.InsufficientBalance');
    expect(await balance(app().store.db, party.account.id)).toBe(10);
    expect((await party.client.GetFlowPackages({ PageNumber: 1, PageSize: 10, DeviceId: devices[0] })).Total).toBe(0);
    expect(await boundToEffectivePackage(app().store.db, party.account.id, devices[0]!, Date.now())).toBe(false);
  });

  it('account flags and sub-users: UnauthorizedUser, NoPermission, NotAllowedToPay', async () => {
    const { party, devices } = await customerWith(1_000_000, 1);
    const { db } = app().store;
    await db.updateTable('accounts').set({ identity_verified: 0 }).where('id', '=', party.account.id).execute();
    await expectTencentError(order(party, devices), 'OperationDenied.UnauthorizedUser');
    await db.updateTable('accounts').set({ identity_verified: 1, mna_authorized: 0 }).where('id', '=', party.account.id).execute();
    await expectTencentError(order(party, devices), 'UnauthorizedOperation.NoPermission');
    await db.updateTable('accounts').set({ mna_authorized: 1 }).where('id', '=', party.account.id).execute();
    const { key } = await createSubUser(db, app().secrets, { accountId: party.account.id, name: unique('clerk'), canPay: false, now: Date.now() });
    const clerk = mnaClient(world.server, { tencent: { secretId: key.keyId, secretKey: key.secret } });
    await expectTencentError(clerk.OrderFlowPackage({ PackageType: 'DEVICE_1_FLOW_20G', DeviceList: devices, AutoRenewFlag: false, PackageRegion: 0 }), 'OperationDenied.NotAllowedToPay');
    expect(await balance(db, party.account.id)).toBe(1_000_000);
  });

  it('FailedOperation.TransactionException when the write cannot commit after retries: nothing charged', async () => {
    const { party, devices } = await customerWith(1_000_000, 1);
    const failing = { ...app().store, writeAtomically: async () => Promise.reject(Object.assign(new Error('could not serialize access'), { code: '40001' })) };
    const ctx: ActionContext = { accountId: party.account.id, userId: null, requestId: 'test', region: undefined, store: failing, secrets: app().secrets, now: () => Date.now() };
    await expectTencentError(OrderFlowPackage.handle(ctx, { PackageType: 'DEVICE_1_FLOW_20G', DeviceList: devices, AutoRenewFlag: false, PackageRegion: 0 }), 'FailedOperation.TransactionException');
    expect(await balance(app().store.db, party.account.id)).toBe(1_000_000);
  });

  it('a device deleted between the order reading it and paying is OperationDenied: nothing written, nothing charged', async () => {
    const { party, devices } = await customerWith(1_000_000, 1);
    const real = app().store;
    const deletingFirst = {
      ...real,
      writeAtomically: async (statements: Parameters<typeof real.writeAtomically>[0]) => {
        await real.db.deleteFrom('mna_devices').where('account_id', '=', party.account.id).where('device_id', '=', devices[0]!).execute();
        return real.writeAtomically(statements);
      },
    };
    const ctx: ActionContext = { accountId: party.account.id, userId: null, requestId: 'test', region: undefined, store: deletingFirst, secrets: app().secrets, now: () => Date.now() };
    await expectTencentError(OrderFlowPackage.handle(ctx, { PackageType: 'DEVICE_1_FLOW_20G', DeviceList: devices, AutoRenewFlag: false, PackageRegion: 0 }), 'OperationDenied');
    expect(await balance(real.db, party.account.id)).toBe(1_000_000);
    expect(await real.db.selectFrom('mna_flow_packages').select('resource_id').where('account_id', '=', party.account.id).execute()).toEqual([]);
  });

  it('parallel orders for one device (through two nodes on PostgreSQL): exactly one succeeds and is charged, the rest are ResourceInUse', async () => {
    const price = await priceOf(app().store.db, 'mna.flow.DEVICE_2_FLOW_50G.0');
    const { party, devices } = await customerWith(price * 30, 2);
    const { config } = app();
    const second = dialect === 'postgres' ? await startTestServer({ dialect, databaseUrl: config.databaseUrl, masterKey: config.masterKey, now: () => Date.now() }) : undefined;
    const viaSecond: Party = second ? { account: party.account, client: mnaClient(second, party.account) } : party;
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => order(i % 4 < 2 ? party : viaSecond, i % 2 === 0 ? [devices[0]!] : [devices[1]!, devices[0]!])),
    ).finally(() => second?.close());
    const codes = results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code: string }).code));
    expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
    expect(codes.filter((c) => c !== 'ok').every((c) => c === 'ResourceInUse')).toBe(true);
    expect(await balance(app().store.db, party.account.id)).toBe(price * 29);
    const { entries, total } = await ledger(app().store.db, party.account.id, { offset: 0, limit: 100 });
    expect(total).toBe(2);
    expect(entries.reduce((sum, e) => sum + e.amount, 0)).toBe(price * 29);
  });

  it('parallel orders for different devices with AutoVoucher: every order charged once, the one voucher spent once', async () => {
    const price = await priceOf(app().store.db, 'mna.flow.DEVICE_2_FLOW_50G.0');
    const { party, devices } = await customerWith(price * 6, 6);
    await issueVoucher(app().store.db, { accountId: party.account.id, kind: 'cash', faceValue: price, expiresAt: Date.now() + 86_400_000, now: Date.now() });
    await Promise.all(devices.map((device) => order(party, [device], { AutoVoucher: true })));
    expect(await balance(app().store.db, party.account.id)).toBe(price);
    const { entries } = await ledger(app().store.db, party.account.id, { offset: 0, limit: 100 });
    expect(entries.filter((e) => e.kind === 'voucher').map((e) => e.amount)).toEqual([price]);
    expect(entries.filter((e) => e.kind === 'order')).toHaveLength(6);
    expect(entries.reduce((sum, e) => sum + e.amount, 0)).toBe(price);
  });

  it('GetFlowPackages filters by ResourceId, DeviceId and Status, pages, and shows only the caller’s', async () => {
    const { party, devices } = await customerWith(1_000_000, 3);
    const a = await order(party, [devices[0]!]);
    // Listed oldest first by purchase time: the faked Date moves in 20 ms steps, so the second order is set a second later.
    vi.setSystemTime(Date.now() + 1_000);
    const b = await order(party, [devices[1]!, devices[2]!]);
    const list = (params: object) => party.client.GetFlowPackages({ PageNumber: 1, PageSize: 10, ...params });
    expect((await list({})).PackageList!.map((p) => p.ResourceId)).toEqual([a.ResourceId, b.ResourceId]);
    expect((await list({ ResourceId: b.ResourceId })).PackageList!.map((p) => p.DeviceList)).toEqual([[devices[1], devices[2]]]);
    expect((await list({ DeviceId: devices[2] })).PackageList!.map((p) => p.ResourceId)).toEqual([b.ResourceId]);
    expect((await list({ Status: 1 })).Total).toBe(2);
    expect((await list({ Status: 2 })).Total).toBe(0);
    const second = await party.client.GetFlowPackages({ PageNumber: 2, PageSize: 1 });
    expect([second.Total, second.PackageList!.map((p) => p.ResourceId)]).toEqual([2, [b.ResourceId]]);
    expect((await world.stranger.client.GetFlowPackages({ PageNumber: 1, PageSize: 10, ResourceId: a.ResourceId })).Total).toBe(0);
    await expectTencentError(party.client.GetFlowPackages({ PageNumber: 0, PageSize: 10 }), 'InvalidParameter');
    await expectTencentError(party.client.GetFlowPackages({ PageNumber: 1, PageSize: 10, Status: 3 }), 'InvalidParameter');
  });

  it('ModifyPackageRenewFlag: on and off, TruncFlagOn, ResourceNotFound, InvalidParameter', async () => {
    const { party, devices } = await customerWith(1_000_000, 2);
    const renewing = await order(party, [devices[0]!]);
    const truncating = await order(party, [devices[1]!], { FlowTruncFlag: true });
    const renewFlag = async (id: string) => (await party.client.GetFlowPackages({ PageNumber: 1, PageSize: 1, ResourceId: id })).PackageList![0]!.RenewFlag;
    await party.client.ModifyPackageRenewFlag({ ResourceId: renewing.ResourceId!, RenewFlag: true });
    expect(await renewFlag(renewing.ResourceId!)).toBe(true);
    await party.client.ModifyPackageRenewFlag({ ResourceId: renewing.ResourceId!, RenewFlag: false });
    expect(await renewFlag(renewing.ResourceId!)).toBe(false);
    await expectTencentError(party.client.ModifyPackageRenewFlag({ ResourceId: truncating.ResourceId!, RenewFlag: true }), 'OperationDenied.TruncFlagOn');
    await party.client.ModifyPackageRenewFlag({ ResourceId: truncating.ResourceId!, RenewFlag: false });
    await expectTencentError(world.stranger.client.ModifyPackageRenewFlag({ ResourceId: renewing.ResourceId!, RenewFlag: true }), 'ResourceNotFound');
    await expectTencentError(party.client.ModifyPackageRenewFlag({ ResourceId: '', RenewFlag: true }), 'InvalidParameter');
  });

  it('packages expire by the business clock: Status 2, no longer in effect, the device can be ordered for again', async () => {
    const { party, devices } = await customerWith(1_000_000, 1);
    const { ResourceId } = await order(party, devices);
    const [info] = (await party.client.GetFlowPackages({ PageNumber: 1, PageSize: 1, ResourceId })).PackageList!;
    vi.setSystemTime((info!.ExpireTime! + 1) * 1000);
    try {
      expect((await party.client.GetFlowPackages({ PageNumber: 1, PageSize: 1, ResourceId })).PackageList![0]!.Status).toBe(2);
      expect((await party.client.GetFlowPackages({ PageNumber: 1, PageSize: 10, Status: 2, DeviceId: devices[0] })).Total).toBe(1);
      expect(await boundToEffectivePackage(app().store.db, party.account.id, devices[0]!, Date.now())).toBe(false);
      expect((await party.client.GetDevicePayMode({ DeviceIdList: devices })).Result![0]!.PayMode).toBe(0);
      await expectTencentError(party.client.ModifyPackageRenewFlag({ ResourceId: ResourceId!, RenewFlag: false }), 'ResourceUnavailable');
      const again = await order(party, devices);
      expect((await party.client.GetFlowPackages({ PageNumber: 1, PageSize: 10, DeviceId: devices[0], Status: 1 })).PackageList!.map((p) => p.ResourceId)).toEqual([again.ResourceId]);
    } finally {
      vi.setSystemTime(START + 60_000);
    }
  });
});
