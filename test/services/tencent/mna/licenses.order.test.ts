import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startCluster } from '../../../support/server.ts';
import { expectTencentError, mnaClient } from '../../../support/tencent-harness.ts';
import { openWorld, unique, type Party, type World } from './support.ts';
import { balance, credit, ledger } from '../../../../src/billing/ledger.ts';
import { issueVoucher, listVouchers } from '../../../../src/billing/vouchers.ts';
import { createSubUser } from '../../../../src/billing/users.ts';
import { PAYMENT_ATTEMPTS } from '../../../../src/billing/payment.ts';
import { DEFAULT_PRICES } from '../../../../src/storage/migrations/0009_billing_licensing.ts';
import type { Store } from '../../../../src/storage/database.ts';

const SDK_PRICE = DEFAULT_PRICES['mna.license.permanent.0']!;
const CPE_PRICE = DEFAULT_PRICES['mna.license.permanent.1']!;
const RESOURCE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-0$/;
const DAY = 86_400_000;

/** The balance is the sum of the ledger and every voucher's spent part the sum of the entries drawing on it. */
async function expectBalanced(store: Store, accountId: string): Promise<void> {
  const { entries } = await ledger(store.db, accountId, { offset: 0, limit: 100_000 });
  expect(await balance(store.db, accountId)).toBe(entries.reduce((sum, e) => sum + e.amount, 0));
  for (const v of await listVouchers(store.db, accountId)) {
    expect(v.faceValue - v.remaining).toBe(entries.filter((e) => e.voucherId === v.id).reduce((sum, e) => sum + e.amount, 0));
  }
}

describe.each(DIALECTS)('MNA OrderPerLicense (%s)', (dialect) => {
  let world: World;
  let store: Store;
  beforeAll(async () => {
    world = await openWorld(dialect);
    store = world.server.app.store;
  });
  afterAll(() => world?.close());

  const fund = (party: Party, fen: number) => credit(store, party.account.id, fen, 'test funds', world.server.app.now());
  /** A customer account with `fen` and one device of its own. */
  async function customerWithDevice(fen: number): Promise<{ party: Party; deviceId: string }> {
    const party = await world.party();
    if (fen > 0) await fund(party, fen);
    const { DeviceId } = await party.client.AddDevice({ DeviceName: unique('dev'), LicensePayMode: 1 });
    return { party, deviceId: DeviceId! };
  }
  async function activated(party: Party, chargingMode: number): Promise<{ deviceId: string; sn: string; hardwareId: string }> {
    const sn = unique('sn');
    const [hardwareId] = await world.addHardware([sn], chargingMode);
    const { HardwareInfo } = await party.client.ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN: sn, DeviceName: unique('hw') }] });
    return { deviceId: HardwareInfo![0]!.DeviceId!, sn, hardwareId: hardwareId! };
  }

  it('Type 0 licenses the device: ResourceId like the seed, the price charged once with the order in the ledger, the permanent term shown', async () => {
    const { party, deviceId } = await customerWithDevice(100_000);
    const { ResourceId, RequestId } = await party.client.OrderPerLicense({ DeviceId: deviceId, Type: 0 });
    expect(ResourceId).toMatch(RESOURCE_ID);
    expect(await balance(store.db, party.account.id)).toBe(100_000 - SDK_PRICE);
    const [entry] = (await ledger(store.db, party.account.id, { offset: 0, limit: 1 })).entries;
    expect(entry).toMatchObject({ kind: 'order', amount: -SDK_PRICE, action: 'OrderPerLicense', resource: ResourceId, deviceId, requestId: RequestId });
    const { DeviceDetails } = await party.client.GetDevice({ DeviceId: deviceId });
    expect(DeviceDetails!.DeviceBaseInfo).toMatchObject({ LicensePayMode: 1, Payer: 1 });
    const { DeviceInfos } = await party.client.GetDevices({ PageSize: -1, PageNumber: -1 });
    expect(DeviceInfos!.find((d) => d.DeviceId === deviceId)).toMatchObject({ LicensePayMode: 1 });
    // A license is no traffic package: the traffic stays pay-as-you-go.
    expect((await party.client.GetDevicePayMode({ DeviceIdList: [deviceId] })).Result).toEqual([expect.objectContaining({ DeviceId: deviceId, PayMode: 0 })]);
    await expectBalanced(store, party.account.id);
  });

  it('a customer-paid hardware device shows the permanent license in GetHardwareInfo and GetHardwareList once bought', async () => {
    const party = await world.party();
    await fund(party, SDK_PRICE);
    const { deviceId, sn } = await activated(party, 1);
    await party.client.OrderPerLicense({ DeviceId: deviceId, Type: 0 });
    expect(await balance(store.db, party.account.id)).toBe(0);
    expect(await party.client.GetHardwareInfo({ Vendor: world.vendorName, SN: sn })).toMatchObject({ LicensePayMode: 1, Payer: 0 });
    const { HardwareInfos } = await world.vendor.client.GetHardwareList({ PageNumber: 1, PageSize: 100, Keyword: deviceId });
    expect(HardwareInfos).toEqual([expect.objectContaining({ SN: sn, LicenseChargingMode: 3, LicensePayMode: 1, Payer: 0 })]);
    expect((await party.client.GetDevice({ DeviceId: deviceId })).DeviceDetails!.DeviceBaseInfo).toMatchObject({ LicensePayMode: 1, Payer: 1 });
  });

  it('RepeatPurchase for a device already licensed, and for one whose vendor paid a permanent license; nothing charged', async () => {
    const { party, deviceId } = await customerWithDevice(100_000);
    await party.client.OrderPerLicense({ DeviceId: deviceId, Type: 0 });
    await expectTencentError(party.client.OrderPerLicense({ DeviceId: deviceId, Type: 0 }), 'OperationDenied.RepeatPurchase');
    const vendorPaid = await activated(party, 3);
    await expectTencentError(party.client.OrderPerLicense({ DeviceId: vendorPaid.deviceId, Type: 0 }), 'OperationDenied.RepeatPurchase');
    expect(await balance(store.db, party.account.id)).toBe(100_000 - SDK_PRICE);
  });

  it('OperationDenied for a device whose vendor pays its license monthly', async () => {
    const party = await world.party();
    await fund(party, 100_000);
    const { deviceId } = await activated(party, 2);
    await expectTencentError(party.client.OrderPerLicense({ DeviceId: deviceId, Type: 0 }), 'OperationDenied');
    expect(await balance(store.db, party.account.id)).toBe(100_000);
  });

  it('DeviceNotFound for an unknown, another account\'s or a deleted device, and for Type 1 on hardware that is not the vendor\'s or already activated', async () => {
    const { party, deviceId } = await customerWithDevice(100_000);
    await expectTencentError(party.client.OrderPerLicense({ DeviceId: 'mna-nosuchdev0', Type: 0 }), 'OperationDenied.DeviceNotFound');
    await expectTencentError(world.stranger.client.OrderPerLicense({ DeviceId: deviceId, Type: 0 }), 'OperationDenied.DeviceNotFound');
    await party.client.DeleteDevice({ DeviceId: deviceId });
    await expectTencentError(party.client.OrderPerLicense({ DeviceId: deviceId, Type: 0 }), 'OperationDenied.DeviceNotFound');
    const [hardwareId] = await world.addHardware([unique('sn')]);
    await expectTencentError(party.client.OrderPerLicense({ DeviceId: hardwareId!, Type: 1 }), 'OperationDenied.DeviceNotFound');
    const used = await activated(party, 1);
    await fund(world.vendor, CPE_PRICE);
    await expectTencentError(world.vendor.client.OrderPerLicense({ DeviceId: used.hardwareId, Type: 1 }), 'OperationDenied.DeviceNotFound');
    expect(await balance(store.db, party.account.id)).toBe(100_000);
  });

  it('Type 1: a vendor licenses its hardware before activation; the device activated from it is vendor-paid permanent', async () => {
    const before = await balance(store.db, world.vendor.account.id);
    await fund(world.vendor, CPE_PRICE);
    const sn = unique('sn');
    const [hardwareId] = await world.addHardware([sn], 1);
    const { ResourceId } = await world.vendor.client.OrderPerLicense({ DeviceId: hardwareId!, Type: 1 });
    expect(ResourceId).toMatch(RESOURCE_ID);
    expect(await balance(store.db, world.vendor.account.id)).toBe(before);
    const { VendorHardware } = await world.vendor.client.GetVendorHardware({ PageNumber: 1, PageSize: 10, Keyword: hardwareId });
    expect(VendorHardware).toEqual([expect.objectContaining({ LicenseChargingMode: 3, LicensePayMode: 1, Payer: 1 })]);
    await expectTencentError(world.vendor.client.OrderPerLicense({ DeviceId: hardwareId!, Type: 1 }), 'OperationDenied.RepeatPurchase');
    const party = await world.party();
    const { HardwareInfo } = await party.client.ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN: sn, DeviceName: unique('hw') }] });
    const deviceId = HardwareInfo![0]!.DeviceId!;
    expect((await party.client.GetDevice({ DeviceId: deviceId })).DeviceDetails!.DeviceBaseInfo).toMatchObject({ LicensePayMode: 1, Payer: 0 });
    await expectTencentError(party.client.OrderPerLicense({ DeviceId: deviceId, Type: 0 }), 'OperationDenied.RepeatPurchase');
  });

  it('InsufficientBalance charges nothing and spends no voucher; RollBack then deletes the device, without it the device stays', async () => {
    const { party, deviceId } = await customerWithDevice(SDK_PRICE - 101);
    const voucher = await issueVoucher(store.db, { accountId: party.account.id, kind: 'cash', faceValue: 100, expiresAt: world.server.app.now() + DAY, now: world.server.app.now() });
    await expectTencentError(party.client.OrderPerLicense({ DeviceId: deviceId, Type: 0, AutoVoucher: true }), 'OperationDenied.InsufficientBalance');
    expect(await balance(store.db, party.account.id)).toBe(SDK_PRICE - 101);
    expect((await listVouchers(store.db, party.account.id)).find((v) => v.id === voucher.id)!.remaining).toBe(100);
    await party.client.GetDevice({ DeviceId: deviceId });
    const error = await expectTencentError(party.client.OrderPerLicense({ DeviceId: deviceId, Type: 0, AutoVoucher: true, RollBack: true }), 'OperationDenied.InsufficientBalance');
    expect(error.message).toContain('the device was deleted');
    await expectTencentError(party.client.GetDevice({ DeviceId: deviceId }), 'InvalidParameterValue');
    await expectBalanced(store, party.account.id);
  });

  it('RollBack of a Type 1 purchase that failed deletes the hardware still to be activated', async () => {
    const vendor = await world.party();
    const name = await world.vendorize(vendor);
    const sn = unique('sn');
    const { Hardware } = await vendor.client.AddHardware({ Hardware: [{ SN: sn, LicenseChargingMode: 1 }] });
    await expectTencentError(vendor.client.OrderPerLicense({ DeviceId: Hardware![0]!.HardwareId!, Type: 1, RollBack: true }), 'OperationDenied.InsufficientBalance');
    await expectTencentError(world.customer.client.GetHardwareInfo({ Vendor: name, SN: sn }), 'OperationDenied.HardwareNotExist');
  });

  it('AutoVoucher draws the voucher the priority rule picks; a designated voucher that does not qualify is ignored; two are InvalidParameter', async () => {
    const { party, deviceId } = await customerWithDevice(SDK_PRICE);
    const now = world.server.app.now();
    const issue = (fields: { kind: 'cash' | 'deduction'; faceValue: number; minOrderAmount?: number; expiresIn: number }) =>
      issueVoucher(store.db, { accountId: party.account.id, kind: fields.kind, faceValue: fields.faceValue, minOrderAmount: fields.minOrderAmount, expiresAt: now + fields.expiresIn, now });
    const partial = await issue({ kind: 'cash', faceValue: 500, expiresIn: DAY });
    const whole = await issue({ kind: 'deduction', faceValue: SDK_PRICE, minOrderAmount: 1, expiresIn: 10 * DAY });
    const tooDemanding = await issue({ kind: 'deduction', faceValue: SDK_PRICE, minOrderAmount: SDK_PRICE + 1, expiresIn: DAY });
    await expectTencentError(party.client.OrderPerLicense({ DeviceId: deviceId, Type: 0, VoucherIds: [partial.id, whole.id] }), 'InvalidParameter');
    await expectTencentError(party.client.OrderPerLicense({ DeviceId: deviceId, Type: 2 }), 'InvalidParameter');
    // Covers the whole order first, although it expires later; VoucherIds is ignored with AutoVoucher.
    await party.client.OrderPerLicense({ DeviceId: deviceId, Type: 0, AutoVoucher: true, VoucherIds: [partial.id] });
    const remaining = new Map((await listVouchers(store.db, party.account.id)).map((v) => [v.id, v.remaining]));
    expect([remaining.get(whole.id), remaining.get(partial.id)]).toEqual([0, 500]);
    expect(await balance(store.db, party.account.id)).toBe(SDK_PRICE);
    const second = (await party.client.AddDevice({ DeviceName: unique('dev') })).DeviceId!;
    await party.client.OrderPerLicense({ DeviceId: second, Type: 0, VoucherIds: [tooDemanding.id] });
    expect(await balance(store.db, party.account.id)).toBe(0);
    expect((await listVouchers(store.db, party.account.id)).find((v) => v.id === tooDemanding.id)!.remaining).toBe(SDK_PRICE);
    await expectBalanced(store, party.account.id);
  });

  it('a sub-user signs with its own keys within its parent account: NotAllowedToPay without canPay, an order with it', async () => {
    const { party, deviceId } = await customerWithDevice(SDK_PRICE);
    const now = world.server.app.now();
    const keysOf = async (canPay: boolean) => {
      const { key } = await createSubUser(store.db, world.server.app.secrets, { accountId: party.account.id, name: unique('sub'), canPay, now });
      return mnaClient(world.server, { tencent: { secretId: key.keyId, secretKey: key.secret } });
    };
    const denied = await keysOf(false);
    await expectTencentError(denied.OrderPerLicense({ DeviceId: deviceId, Type: 0 }), 'OperationDenied.NotAllowedToPay');
    expect((await denied.GetDevice({ DeviceId: deviceId })).DeviceDetails!.DeviceBaseInfo!.DeviceId).toBe(deviceId);
    await (await keysOf(true)).OrderPerLicense({ DeviceId: deviceId, Type: 0 });
    expect(await balance(store.db, party.account.id)).toBe(0);
  });

  it('UnauthorizedUser without identity verification, NoPermission without MNA authorisation', async () => {
    const { party, deviceId } = await customerWithDevice(100_000);
    const flag = (fields: { identity_verified?: number; mna_authorized?: number }) => store.db.updateTable('accounts').set(fields).where('id', '=', party.account.id).execute();
    await flag({ identity_verified: 0 });
    await expectTencentError(party.client.OrderPerLicense({ DeviceId: deviceId, Type: 0 }), 'OperationDenied.UnauthorizedUser');
    await flag({ identity_verified: 1, mna_authorized: 0 });
    await expectTencentError(party.client.OrderPerLicense({ DeviceId: deviceId, Type: 0 }), 'UnauthorizedOperation.NoPermission');
    expect(await balance(store.db, party.account.id)).toBe(100_000);
  });

  it('with several rules broken at once, answers the first in the documented order of checks: caller, device, payment', async () => {
    // No funds, a licensed device, a sub-user without canPay, an account without identity verification nor MNA authorisation.
    const { party, deviceId } = await customerWithDevice(SDK_PRICE);
    await party.client.OrderPerLicense({ DeviceId: deviceId, Type: 0 });
    const { key } = await createSubUser(store.db, world.server.app.secrets, { accountId: party.account.id, name: unique('sub'), canPay: false, now: world.server.app.now() });
    const subUser = mnaClient(world.server, { tencent: { secretId: key.keyId, secretKey: key.secret } });
    const flag = (fields: { identity_verified?: number; mna_authorized?: number }) => store.db.updateTable('accounts').set(fields).where('id', '=', party.account.id).execute();
    await flag({ identity_verified: 0, mna_authorized: 0 });
    await expectTencentError(subUser.OrderPerLicense({ DeviceId: deviceId, Type: 0 }), 'UnauthorizedOperation.NoPermission');
    await flag({ mna_authorized: 1 });
    await expectTencentError(subUser.OrderPerLicense({ DeviceId: deviceId, Type: 0 }), 'OperationDenied.UnauthorizedUser');
    await flag({ identity_verified: 1 });
    await expectTencentError(subUser.OrderPerLicense({ DeviceId: deviceId, Type: 0 }), 'OperationDenied.NotAllowedToPay');
    await expectTencentError(party.client.OrderPerLicense({ DeviceId: deviceId, Type: 0 }), 'OperationDenied.RepeatPurchase');
    const { DeviceId: unlicensed } = await party.client.AddDevice({ DeviceName: unique('dev') });
    await expectTencentError(party.client.OrderPerLicense({ DeviceId: unlicensed!, Type: 0 }), 'OperationDenied.InsufficientBalance');
    expect(await balance(store.db, party.account.id)).toBe(0);
    await expectBalanced(store, party.account.id);
  });

  it('FailedOperation.TransactionException when every attempt loses to a database conflict; nothing charged', async () => {
    const { party, deviceId } = await customerWithDevice(100_000);
    const original = store.writeAtomically;
    let attempts = 0;
    // The database refusing each attempt as PostgreSQL does a serialization failure.
    (store as { writeAtomically: Store['writeAtomically'] }).writeAtomically = async () => {
      attempts++;
      throw Object.assign(new Error('could not serialize access'), { code: '40001' });
    };
    try {
      await expectTencentError(party.client.OrderPerLicense({ DeviceId: deviceId, Type: 0 }), 'FailedOperation.TransactionException');
    } finally {
      (store as { writeAtomically: Store['writeAtomically'] }).writeAtomically = original;
    }
    expect(attempts).toBe(PAYMENT_ATTEMPTS);
    expect(await balance(store.db, party.account.id)).toBe(100_000);
  });

  it('a refused caller whose writes keep losing to conflicts gets its refusal, not TransactionException, and RollBack deletes nothing', async () => {
    const { party, deviceId } = await customerWithDevice(100_000);
    const { key } = await createSubUser(store.db, world.server.app.secrets, { accountId: party.account.id, name: unique('nopay'), canPay: false, now: world.server.app.now() });
    const subUser = mnaClient(world.server, { tencent: { secretId: key.keyId, secretKey: key.secret } });
    const original = store.writeAtomically;
    (store as { writeAtomically: Store['writeAtomically'] }).writeAtomically = async () => {
      throw Object.assign(new Error('could not serialize access'), { code: '40001' });
    };
    try {
      await expectTencentError(subUser.OrderPerLicense({ DeviceId: deviceId, Type: 0, RollBack: true }), 'OperationDenied.NotAllowedToPay');
    } finally {
      (store as { writeAtomically: Store['writeAtomically'] }).writeAtomically = original;
    }
    expect(await store.db.selectFrom('mna_devices').select('device_id').where('device_id', '=', deviceId).execute()).toHaveLength(1);
    expect(await balance(store.db, party.account.id)).toBe(100_000);
  });

  it('50 parallel orders for one device: exactly one succeeds, the rest RepeatPurchase, charged once, one voucher spent once', async () => {
    const { party, deviceId } = await customerWithDevice(SDK_PRICE * 3);
    await issueVoucher(store.db, { accountId: party.account.id, kind: 'cash', faceValue: SDK_PRICE * 10, expiresAt: world.server.app.now() + DAY, now: world.server.app.now() });
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => party.client.OrderPerLicense({ DeviceId: deviceId, Type: 0, AutoVoucher: true })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(new Set(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code: string }).code] : [])))).toEqual(new Set(['OperationDenied.RepeatPurchase']));
    expect(await balance(store.db, party.account.id)).toBe(SDK_PRICE * 3);
    expect((await listVouchers(store.db, party.account.id))[0]!.remaining).toBe(SDK_PRICE * 9);
    await expectBalanced(store, party.account.id);
  });
});

describe('MNA OrderPerLicense on two nodes sharing PostgreSQL', () => {
  it('50 parallel orders for one device, split across the nodes: exactly one succeeds, charged once', async () => {
    const cluster = await startCluster(2);
    try {
      const [a, b] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0]];
      const account = await a.createAccount();
      await credit(a.app.store, account.id, SDK_PRICE * 2, undefined, a.app.now());
      const clients = [mnaClient(a, account), mnaClient(b, account)];
      const { DeviceId } = await clients[0]!.AddDevice({ DeviceName: unique('dev') });
      const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => clients[i % 2]!.OrderPerLicense({ DeviceId: DeviceId!, Type: 0 })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(new Set(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code: string }).code] : [])))).toEqual(new Set(['OperationDenied.RepeatPurchase']));
      expect(await balance(b.app.store.db, account.id)).toBe(SDK_PRICE);
      await expectBalanced(b.app.store, account.id);
    } finally {
      await cluster.close();
    }
  });
});
