import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestServer, type TestServer } from '../support/server.ts';
import { expectTencentError, mnaClient, tc3 } from '../support/tencent-harness.ts';
import { alibabaClient, alibabaCall, expectAlibabaError } from '../support/alibaba-harness.ts';
import { signPopCorePost } from '../support/alibaba-signer.ts';
import { sendRaw } from '../support/http.ts';
import { CUSTOMER, CUSTOMER_OPS, EXAMPLE_FIXTURE, EXAMPLE_VOUCHER, VENDOR, dumpState, emulatorControl, expectReadmeExamplesWork } from '../support/emulator-fixture.ts';
import { parseFixtureFile } from '../../src/emulator/seed/fixture.ts';

describe.each(DIALECTS)('emulator state controls over HTTP on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect, env: { FLEETGATE_SEED_FILE: EXAMPLE_FIXTURE } });
  });
  afterAll(() => server.close());

  const control: ReturnType<typeof emulatorControl> = (...args) => emulatorControl(server)(...args);
  const fixture = parseFixtureFile(EXAMPLE_FIXTURE);

  it('the start-up fixture (FLEETGATE_SEED_FILE) makes the README examples work, with no default account bootstrapped; POST /seed of it again changes nothing', async () => {
    await expectReadmeExamplesWork(server);
    const before = await dumpState(server);
    expect(before.accounts!.map((row) => JSON.parse(row).name).sort()).toEqual(['acme-vendor', 'default']);
    for (let i = 0; i < 2; i++) {
      const again = await control('POST', '/seed', fixture);
      expect(again).toEqual({ status: 200, body: { created: { accounts: 0, subUsers: 0, billing: 0, mna: 0, iotcloud: 0, iot: 0 } } });
    }
    expect(await dumpState(server)).toEqual(before);
  });

  it('the fixture schema, each section under its key, is published in the admin OpenAPI document', async () => {
    const document = await fetch(`${server.url}/admin/v1/openapi.json`, { headers: { authorization: `Bearer ${server.adminToken}` } }).then((r) => r.json() as Promise<any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    const schema = document.components.schemas.SeedFixture;
    expect(Object.keys(schema.properties)).toEqual(['version', 'accounts', 'subUsers', 'billing', 'mna', 'iotcloud', 'iot']);
    expect(schema.additionalProperties).toBe(false);
  });

  it('a fixture its schema refuses is 400 InvalidParameter; one the actions refuse is 400 InvalidFixture naming the entry', async () => {
    expect((await control('POST', '/seed', { acounts: [] })).body.error).toEqual({ code: 'InvalidParameter', message: 'acounts is not an accepted field' });
    const refused = await control('POST', '/seed', { mna: { devices: [{ account: 'default', name: 'x-1', hardware: { vendor: 'acme', sn: 'NOPE' } }] } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('InvalidFixture');
    expect(refused.body.error.message).toMatch(/^mna\.devices\[0\]: ActivateHardware refused it: OperationDenied\.HardwareNotExist/);
    const unknown = await control('POST', '/seed', { billing: { balances: [{ account: 'nobody', balance: 1 }] } });
    expect(unknown.body.error.message).toBe('billing.balances[0]: no account named nobody (list it under accounts)');
  });

  it('reset drops all state and applies the start-up fixture again: the README examples work as before', async () => {
    await control('POST', '/seed', fixture);
    const seeded = await dumpState(server);
    await mnaClient(server, VENDOR).AddHardware({ Hardware: [{ SN: 'SN9999', LicenseChargingMode: 1 }] });
    const account = await server.createAccount();
    const reset = await control('POST', '/reset');
    expect(reset).toEqual({ status: 200, body: { reset: 'all', seeded: { accounts: 6, subUsers: 1, billing: 2, mna: 6, iotcloud: 2, iot: 3 } } });
    // The dropped account's key is refused at once: the key ring forgot it.
    await expectTencentError(mnaClient(server, account).GetPublicKey(), 'AuthFailure.SecretIdNotFound');
    await expectReadmeExamplesWork(server);
    const again = await dumpState(server);
    expect(again.mna_hardware!.map((row) => JSON.parse(row).sn).sort()).toEqual(['SN0001', 'SN0002']);
    expect(Object.keys(again)).toEqual(Object.keys(seeded));
  });

  it("reset of one account drops only that account's state, releasing hardware it activated; the fixture brings it back", async () => {
    await control('POST', '/seed', fixture);
    const other = await server.createAccount();
    await mnaClient(server, other).AddGroup({ GroupName: 'kept' });
    expect((await control('POST', '/reset', { account: 'nope' })).body.error.code).toBe('AccountNotFound');
    const reset = await control('POST', '/reset', { account: CUSTOMER.id });
    expect(reset.body).toEqual({ reset: CUSTOMER.id, seeded: { accounts: 0, subUsers: 1, billing: 2, mna: 3, iotcloud: 2, iot: 3 } });
    const groups = await mnaClient(server, other).GetGroupList({ PageNumber: 1, PageSize: 10 });
    expect(groups.GroupInfos?.map((group) => group.GroupName)).toEqual(['kept']);
    await expectReadmeExamplesWork(server);
  });

  it('a snapshot restores the logical state exactly, in well under a second; a missing one is 404', async () => {
    await control('POST', '/seed', fixture);
    const saved = await dumpState(server);
    expect((await control('POST', '/snapshots', { name: 'known-state' })).status).toBe(201);
    await mnaClient(server, VENDOR).AddHardware({ Hardware: [{ SN: 'SN7777', LicenseChargingMode: 2 }] });
    await mnaClient(server, CUSTOMER).DeleteDevice({ DeviceId: JSON.parse(saved.mna_devices![0]!).device_id });
    await alibabaClient('pop-core POST', server, CUSTOMER).call('DeleteProduct', { ProductKey: 'a1walkLamp0' });
    expect(await dumpState(server)).not.toEqual(saved);
    const restored = await control('POST', '/snapshots/known-state/restore');
    expect(restored.status).toBe(200);
    expect(restored.body.ms).toBeLessThan(1000);
    expect(await dumpState(server)).toEqual(saved);
    await expectReadmeExamplesWork(server);
    expect((await control('GET', '/snapshots')).body.snapshots).toEqual([expect.objectContaining({ name: 'known-state' })]);
    expect((await control('POST', '/snapshots/none/restore')).body.error.code).toBe('SnapshotNotFound');
    expect((await control('POST', '/snapshots', { name: '../x' })).body.error.code).toBe('InvalidParameter');
  });

  it('the clock moves business time (a ledger entry’s time) but signatures stay judged by real time unless asked', async () => {
    await control('POST', '/seed', fixture);
    const day = 86_400_000;
    const set = await control('POST', '/clock', { advanceMs: 30 * day });
    expect(set.body).toMatchObject({ offsetMs: 30 * day, signatures: false });
    expect((await control('GET', '/health')).body.clock).toMatchObject({ offsetMs: 30 * day });
    const credited = await fetch(`${server.url}/admin/v1/accounts/${CUSTOMER.id}/credits`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 1 }),
    }).then((r) => r.json() as Promise<{ entry: { createdAt: number } }>);
    expect(credited.entry.createdAt - Date.now()).toBeGreaterThan(29 * day);

    // The SDKs sign with real time: they keep working. A request stamped in business time is expired...
    await mnaClient(server, CUSTOMER).GetPublicKey();
    const inBusinessTime = () => tc3(server, CUSTOMER, { action: 'GetPublicKey', timestamp: Math.floor((Date.now() + 30 * day) / 1000) });
    expect((await sendRaw(server.url, inBusinessTime())).json().Response.Error.Code).toBe('AuthFailure.SignatureExpire');
    const alibabaInBusinessTime = () => signPopCorePost(alibabaCall(server, CUSTOMER, { nowMs: Date.now() + 30 * day }));
    expect((await sendRaw(server.url, alibabaInBusinessTime())).json().Code).toBe('InvalidTimeStamp.Expired');
    // ...until signatures are asked to follow business time.
    await control('POST', '/clock', { signatures: true });
    expect((await sendRaw(server.url, inBusinessTime())).json().Response.Error).toBeUndefined();
    expect((await sendRaw(server.url, alibabaInBusinessTime())).json().Code).toBeUndefined();
    await expectTencentError(mnaClient(server, CUSTOMER).GetPublicKey(), 'AuthFailure.SignatureExpire');

    expect((await control('POST', '/clock', { offsetMs: 1, at: '2030-01-01T00:00:00Z' })).body.error.code).toBe('InvalidClock');
    const at = await control('POST', '/clock', { at: '2030-01-01T00:00:00Z' });
    expect(Date.parse(at.body.now)).toBeGreaterThanOrEqual(Date.parse('2030-01-01T00:00:00Z'));
    expect((await control('DELETE', '/clock')).body).toMatchObject({ offsetMs: 0, signatures: false });
    await mnaClient(server, CUSTOMER).GetPublicKey();
  });

  it("the example fixture's voucher pays towards an OrderPerLicense its sub-user signs (official SDK); seeding again leaves the spent voucher alone", async () => {
    await control('POST', '/reset');
    const { DeviceInfos = [] } = await mnaClient(server, CUSTOMER).GetDevices({ PageSize: 10, PageNumber: 1 });
    const router = DeviceInfos.find((device) => device.DeviceName === 'bench-router')!;
    const order = await mnaClient(server, CUSTOMER_OPS).OrderPerLicense({ DeviceId: router.DeviceId!, Type: 0, VoucherIds: [EXAMPLE_VOUCHER] });
    expect(order.ResourceId).toMatch(/-0$/);
    const admin = (path: string) => fetch(`${server.url}/admin/v1/accounts/${CUSTOMER.id}${path}`, { headers: { authorization: `Bearer ${server.adminToken}` } }).then((r) => r.json() as Promise<any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect((await admin('/vouchers')).vouchers).toEqual([expect.objectContaining({ id: EXAMPLE_VOUCHER, faceValue: 5000, remaining: 0 })]);
    expect(await admin('/balance')).toMatchObject({ balance: 100_000 - (20_000 - 5000) });
    // The balance is the fixture's to reach again; the voucher, found by its pinned id, stays spent.
    expect((await control('POST', '/seed', fixture)).body.created).toMatchObject({ subUsers: 0, billing: 1, iotcloud: 0 });
    expect((await admin('/vouchers')).vouchers).toEqual([expect.objectContaining({ id: EXAMPLE_VOUCHER, remaining: 0 })]);
  });

  it('lenient mode is off by default: a bad signature from a known key is refused', async () => {
    await control('POST', '/seed', fixture);
    const forged = { ...CUSTOMER, tencent: { ...CUSTOMER.tencent, secretKey: 'not-the-secret' }, alibaba: { ...CUSTOMER.alibaba, accessKeySecret: 'not-the-secret' } };
    await expectTencentError(mnaClient(server, forged).GetPublicKey(), 'AuthFailure.SignatureFailure');
    await expectAlibabaError(alibabaClient('pop-core POST', server, forged).call('QueryProductList', { CurrentPage: 1, PageSize: 10 }), 'SignatureDoesNotMatch');
    expect((await control('GET', '/health')).body.lenientSignatures).toBe(false);
  });
});

describe.each(DIALECTS)('lenient signatures on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect, env: { FLEETGATE_LENIENT_SIGNATURES: '1' } });
  });
  afterAll(() => server.close());

  it('accepts any signature from a known key on both gateways, still refuses an unknown key', async () => {
    const account = await server.createAccount();
    const forged = { ...account, tencent: { ...account.tencent, secretKey: 'not-the-secret' }, alibaba: { ...account.alibaba, accessKeySecret: 'not-the-secret' } };
    await mnaClient(server, forged).GetPublicKey();
    await alibabaClient('pop-core POST', server, forged).call('QueryProductList', { CurrentPage: 1, PageSize: 10 });
    const unknown = { ...forged, tencent: { ...forged.tencent, secretId: 'AKIDunknownKeyId000000000000000000000' }, alibaba: { ...forged.alibaba, accessKeyId: 'LTAIunknownKeyId0000000' } };
    await expectTencentError(mnaClient(server, unknown).GetPublicKey(), 'AuthFailure.SecretIdNotFound');
    await expectAlibabaError(alibabaClient('pop-core POST', server, unknown).call('QueryProductList', { CurrentPage: 1, PageSize: 10 }), 'InvalidAccessKeyId.NotFound');
  });
});
