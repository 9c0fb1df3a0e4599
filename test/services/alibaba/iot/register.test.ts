import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../../../support/databases.ts';
import { startImportJobRunner } from '../../../../src/services/alibaba/iot/index.ts';
import { claimImportJob } from '../../../../src/services/alibaba/iot/store/import-jobs.ts';
import { MAX_DEVICES_PER_PRODUCT } from '../../../../src/services/alibaba/iot/store/devices.ts';
import { deleteClientIds, findClientToken, listClientIds, MAX_CLIENT_IDS_PER_DEVICE, recordClientId } from '../../../../src/services/alibaba/iot/store/client-ids.ts';
import { StoreRefusal } from '../../../../src/storage/store-refusal.ts';
import { replaceSecretBeforeActivation } from '../../../../src/services/alibaba/iot/store/registration.ts';
import { HOST_PREFIX, isDeadLocalRunner, newRunnerId } from '../../../../src/services/alibaba/iot/runner-identity.ts';
import { importRows, openTestbed, settledImport, type Tenant, type Testbed } from './support.ts';
import { expectDocumentedShape } from './shape.ts';
import { type Body, expectAlibabaError } from '../../../support/alibaba-harness.ts';

const LEASE_MS = 30_000;
const names = (count: number, prefix: string): string[] => Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

describe.each(STORE_KINDS)('IoT bulk registration: BatchCheckDeviceNames, BatchRegisterDevice and their applies (%s)', (kind) => {
  let bed: Testbed;
  let tenant: Tenant;
  let stranger: Tenant;
  beforeAll(async () => {
    bed = await openTestbed(kind);
    tenant = await bed.tenant();
    stranger = await bed.tenant();
  });
  afterAll(() => bed.close());

  const applies = async (productKey: string) => (await bed.store.db.selectFrom('iot_import_jobs').select('apply_id').where('product_key', '=', productKey).execute()).length;
  const deviceCount = async (productKey: string) => (await tenant.call('QueryProduct', { ProductKey: productKey })).Data.DeviceCount as number;

  /** Runs a job runner until the apply has left CHECK / CREATE. */
  async function settle(params: { ProductKey: string; ApplyId: number }, who: Tenant = tenant): Promise<Body> {
    const runner = startImportJobRunner(bed.app, { pollMs: 5 });
    try {
      return await settledImport(who, params);
    } finally {
      await runner.stop();
    }
  }

  async function checked(productKey: string, list: Record<string, unknown>): Promise<{ applyId: number; status: Body }> {
    const accepted = await tenant.call('BatchCheckDeviceNames', { ProductKey: productKey, ...list });
    expectDocumentedShape('BatchCheckDeviceNames', accepted);
    const applyId = accepted.Data.ApplyId as number;
    return { applyId, status: await settle({ ProductKey: productKey, ApplyId: applyId }) };
  }

  it('checked names (DeviceName.N) reach CHECK_SUCCESS, then BatchRegisterDeviceWithApplyId creates them under the same ApplyId with their secrets in QueryPageByApplyId', async () => {
    const productKey = await tenant.product();
    const list = names(30, 'named');
    const accepted = await tenant.call('BatchCheckDeviceNames', { ProductKey: productKey, DeviceName: list });
    expect(accepted).toEqual({
      Success: true,
      Data: { ApplyId: expect.any(Number), InvalidDeviceNameList: { InvalidDeviceName: [] }, InvalidDeviceNicknameList: { InvalidDeviceNickname: [] } },
    });
    const applyId = accepted.Data.ApplyId as number;
    // Until a runner has checked it the apply is CHECK, with no verdict either way.
    expect((await tenant.call('QueryBatchRegisterDeviceStatus', { ProductKey: productKey, ApplyId: applyId })).Data).toEqual({ Status: 'CHECK', ValidList: { Name: [] }, InvalidList: { Name: [] } });
    await expectAlibabaError(tenant.call('BatchRegisterDeviceWithApplyId', { ProductKey: productKey, ApplyId: applyId }), 'iot.device.IncorrentDeviceApplyInfo');

    const status = await settle({ ProductKey: productKey, ApplyId: applyId });
    expectDocumentedShape('QueryBatchRegisterDeviceStatus', status);
    expect(status.Data).toEqual({ Status: 'CHECK_SUCCESS', ValidList: { Name: list }, InvalidList: { Name: [] } });
    // Checking creates nothing.
    expect(await deviceCount(productKey)).toBe(0);
    expect(await tenant.call('QueryPageByApplyId', { ApplyId: applyId })).toMatchObject({ Total: 0, ApplyDeviceList: { ApplyDeviceInfo: [] } });

    const registering = await tenant.call('BatchRegisterDeviceWithApplyId', { ProductKey: productKey, ApplyId: applyId });
    expectDocumentedShape('BatchRegisterDeviceWithApplyId', registering);
    expect(registering).toEqual({ Success: true, Data: { ApplyId: applyId } });
    expect((await tenant.call('QueryBatchRegisterDeviceStatus', { ProductKey: productKey, ApplyId: applyId })).Data.Status).toBe('CREATE');
    await expectAlibabaError(tenant.call('QueryPageByApplyId', { ApplyId: applyId }), 'iot.device.CreateDeviceTaskIsRunning');
    // A repeated call (a retry after a lost answer) starts nothing new.
    expect(await tenant.call('BatchRegisterDeviceWithApplyId', { ProductKey: productKey, ApplyId: applyId })).toEqual(registering);

    expect((await settle({ ProductKey: productKey, ApplyId: applyId })).Data).toEqual({ Status: 'CREATE_SUCCESS', ValidList: { Name: list }, InvalidList: { Name: [] } });
    expect(await tenant.call('BatchRegisterDeviceWithApplyId', { ProductKey: productKey, ApplyId: applyId })).toEqual(registering);
    expect(await deviceCount(productKey)).toBe(30);

    const page = await tenant.call('QueryPageByApplyId', { ApplyId: applyId, CurrentPage: 3, PageSize: 12 });
    expectDocumentedShape('QueryPageByApplyId', page);
    expect(page).toMatchObject({ Success: true, Page: 3, PageSize: 12, PageCount: 3, Total: 30 });
    expect(page.ApplyDeviceList.ApplyDeviceInfo.map((d: Body) => d.DeviceName)).toEqual(list.slice(24));
    for (const device of page.ApplyDeviceList.ApplyDeviceInfo as Body[]) {
      expect(device.DeviceSecret).toMatch(/^[0-9a-f]{32}$/);
      const info = await tenant.call('QueryDeviceInfo', { IotId: device.IotId });
      expect(info.Data).toMatchObject({ DeviceName: device.DeviceName, DeviceSecret: device.DeviceSecret, ProductKey: productKey });
    }
    // Documented defaults: page 1 of 10.
    const first = await tenant.call('QueryPageByApplyId', { ApplyId: applyId });
    expect(first).toMatchObject({ Page: 1, PageSize: 10, PageCount: 3, Total: 30 });
    expect(first.ApplyDeviceList.ApplyDeviceInfo.map((d: Body) => d.DeviceName)).toEqual(list.slice(0, 10));

    // The apply lists each device as it is now: a secret dynamic registration replaced, and no deleted device.
    const [rotated, deleted] = first.ApplyDeviceList.ApplyDeviceInfo as [Body, Body];
    expect(await replaceSecretBeforeActivation(bed.store.db, bed.app.secrets, { accountId: tenant.accountId, iotId: rotated.IotId }, 'f'.repeat(32), Date.now())).toBe(true);
    await tenant.call('DeleteDevice', { IotId: deleted.IotId });
    const now = await tenant.call('QueryPageByApplyId', { ApplyId: applyId });
    expect(now).toMatchObject({ Total: 29, PageCount: 3 });
    expect(now.ApplyDeviceList.ApplyDeviceInfo[0]).toEqual({ DeviceName: rotated.DeviceName, DeviceSecret: 'f'.repeat(32), IotId: rotated.IotId });
    expect(now.ApplyDeviceList.ApplyDeviceInfo.map((d: Body) => d.DeviceName)).not.toContain(deleted.DeviceName);
  });

  it('DeviceNameList with nicknames: the devices get their nicknames', async () => {
    const productKey = await tenant.product();
    const { applyId, status } = await checked(productKey, {
      DeviceNameList: [{ DeviceName: 'nick-a', DeviceNickname: '温度_sensor' }, { DeviceName: 'nick-b' }],
    });
    expect(status.Data.Status).toBe('CHECK_SUCCESS');
    await tenant.call('BatchRegisterDeviceWithApplyId', { ProductKey: productKey, ApplyId: applyId });
    expect((await settle({ ProductKey: productKey, ApplyId: applyId })).Data.Status).toBe('CREATE_SUCCESS');
    expect((await tenant.call('QueryDeviceInfo', { ProductKey: productKey, DeviceName: 'nick-a' })).Data.Nickname).toBe('温度_sensor');
    expect((await tenant.call('QueryDeviceInfo', { ProductKey: productKey, DeviceName: 'nick-b' })).Data.Nickname).toBeUndefined();
  });

  it('a name given twice or already in the product fails the check: CHECK_FAILED names those rows, and the apply cannot be registered', async () => {
    const productKey = await tenant.product();
    await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'taken-1' });
    const { applyId, status } = await checked(productKey, { DeviceName: ['fresh-1', 'twice-1', 'taken-1', 'fresh-2', 'twice-1'] });
    expect(status.Data).toEqual({ Status: 'CHECK_FAILED', ValidList: { Name: ['fresh-1', 'fresh-2'] }, InvalidList: { Name: ['twice-1', 'taken-1', 'twice-1'] } });
    await expectAlibabaError(tenant.call('BatchRegisterDeviceWithApplyId', { ProductKey: productKey, ApplyId: applyId }), 'iot.device.IncorrentDeviceApplyInfo');
    expect(await deviceCount(productKey)).toBe(1);
  });

  it('malformed names or nicknames store nothing: Success false with the offenders listed', async () => {
    const productKey = await tenant.product();
    const badName = await tenant.call('BatchCheckDeviceNames', { ProductKey: productKey, DeviceName: ['good-name', 'no', 'sp ace', 'no'] });
    expectDocumentedShape('BatchCheckDeviceNames', badName);
    expect(badName).toEqual({
      Success: false,
      Code: 'iot.device.InvalidFormattedDeviceName',
      ErrorMessage: 'The format of the device name is invalid.',
      Data: { InvalidDeviceNameList: { InvalidDeviceName: ['no', 'sp ace'] }, InvalidDeviceNicknameList: { InvalidDeviceNickname: [] } },
    });
    const badNickname = await tenant.call('BatchCheckDeviceNames', {
      ProductKey: productKey,
      DeviceNameList: [{ DeviceName: 'good-name', DeviceNickname: 'ab' }, { DeviceNickname: 'fine_nick' }],
    });
    expect(badNickname).toMatchObject({
      Success: false,
      Code: 'iot.device.InvalidFormattedDeviceName',
      Data: { InvalidDeviceNameList: { InvalidDeviceName: [''] }, InvalidDeviceNicknameList: { InvalidDeviceNickname: ['ab'] } },
    });
    const onlyNickname = await tenant.call('BatchCheckDeviceNames', { ProductKey: productKey, DeviceNameList: [{ DeviceName: 'good-name', DeviceNickname: 'a-b-c-d' }] });
    expect(onlyNickname).toMatchObject({ Success: false, Code: 'iot.common.InvalidFormattedParameter', Data: { InvalidDeviceNicknameList: { InvalidDeviceNickname: ['a-b-c-d'] } } });
    expect(await applies(productKey)).toBe(0);
  });

  it('BatchCheckDeviceNames list limits: none, more than 10,000, or both list forms at once', async () => {
    const productKey = await tenant.product();
    await expectAlibabaError(tenant.call('BatchCheckDeviceNames', { ProductKey: productKey }), 'iot.device.NoneDeviceNameElement');
    await expectAlibabaError(tenant.call('BatchCheckDeviceNames', { ProductKey: productKey, DeviceName: [] }), 'iot.device.NoneDeviceNameElement');
    await expectAlibabaError(tenant.call('BatchCheckDeviceNames', { ProductKey: productKey, DeviceName: names(10_001, 'many') }), 'iot.device.TooManyDeviceNamesPerRequest');
    await expectAlibabaError(
      tenant.call('BatchCheckDeviceNames', { ProductKey: productKey, DeviceName: ['one-name'], DeviceNameList: [{ DeviceName: 'two-name' }] }),
      'iot.common.InvalidFormattedParameter',
    );
    await expectAlibabaError(tenant.call('BatchCheckDeviceNames', { ProductKey: 'a1BwAGV1234', DeviceName: ['one-name'] }), 'iot.prod.NotExistedProduct');
    expect(await applies(productKey)).toBe(0);
    // Exactly 10,000 is accepted.
    expect((await tenant.call('BatchCheckDeviceNames', { ProductKey: productKey, DeviceName: names(10_000, 'many') })).Success).toBe(true);
  });

  it('BatchRegisterDevice creates Count devices with platform-chosen names and secrets', async () => {
    const productKey = await tenant.product();
    const accepted = await tenant.call('BatchRegisterDevice', { ProductKey: productKey, Count: 25 });
    expectDocumentedShape('BatchRegisterDevice', accepted);
    expect(accepted).toEqual({ Success: true, Data: { ApplyId: expect.any(Number) } });
    const applyId = accepted.Data.ApplyId as number;
    expect((await tenant.call('QueryBatchRegisterDeviceStatus', { ProductKey: productKey, ApplyId: applyId })).Data.Status).toBe('CREATE');
    const done = await settle({ ProductKey: productKey, ApplyId: applyId });
    expect(done.Data.Status).toBe('CREATE_SUCCESS');
    expect(done.Data.InvalidList.Name).toEqual([]);
    expect(done.Data.ValidList.Name).toHaveLength(25);
    for (const name of done.Data.ValidList.Name as string[]) expect(name).toMatch(/^[A-Za-z0-9]{20}$/);
    const all = await tenant.call('QueryPageByApplyId', { ApplyId: applyId, PageSize: 50 });
    expect(all).toMatchObject({ Page: 1, PageSize: 50, PageCount: 1, Total: 25 });
    expect(all.ApplyDeviceList.ApplyDeviceInfo.map((d: Body) => d.DeviceName)).toEqual(done.Data.ValidList.Name);
    expect(await deviceCount(productKey)).toBe(25);
    // The apply came from no name check: it cannot be "registered with" again.
    await expectAlibabaError(tenant.call('BatchRegisterDeviceWithApplyId', { ProductKey: productKey, ApplyId: applyId }), 'iot.device.IncorrentDeviceApplyInfo');
  });

  it('BatchRegisterDevice refuses a Count outside 1–10,000 and one the product has no room for', async () => {
    const productKey = await tenant.product();
    await expectAlibabaError(tenant.call('BatchRegisterDevice', { ProductKey: productKey, Count: 0 }), 'iot.common.InvalidFormattedParameter');
    await expectAlibabaError(tenant.call('BatchRegisterDevice', { ProductKey: productKey, Count: -3 }), 'iot.common.InvalidFormattedParameter');
    await expectAlibabaError(tenant.call('BatchRegisterDevice', { ProductKey: productKey, Count: 10_001 }), 'iot.device.TooManyDeviceNamesPerRequest');
    await expectAlibabaError(tenant.call('BatchRegisterDevice', { ProductKey: '', Count: 1 }), 'iot.prod.NullProductKey');
    await expectAlibabaError(tenant.call('BatchRegisterDevice', { ProductKey: productKey, Count: 1, IotInstanceId: 'iot-00000000' }), 'iot.system.InstanceNotFound');
    await bed.store.db.updateTable('iot_products').set({ device_count: MAX_DEVICES_PER_PRODUCT - 5 }).where('product_key', '=', productKey).execute();
    await expectAlibabaError(tenant.call('BatchRegisterDevice', { ProductKey: productKey, Count: 6 }), 'iot.device.DeviceCountExceeded');
    await expectAlibabaError(tenant.call('BatchCheckDeviceNames', { ProductKey: productKey, DeviceName: names(6, 'full') }), 'iot.device.DeviceCountExceeded');
    expect(await applies(productKey)).toBe(0);
  });

  it('BatchRegisterDeviceWithApplyId refuses an unknown, malformed or foreign ApplyId, and a product filled since the check', async () => {
    const productKey = await tenant.product();
    const other = await tenant.product();
    const { applyId } = await checked(productKey, { DeviceName: names(3, 'later') });
    await expectAlibabaError(tenant.call('BatchRegisterDeviceWithApplyId', { ProductKey: productKey, ApplyId: 4_242_424_242 }), 'iot.device.DeviceApplyIsNotFound');
    await expectAlibabaError(tenant.call('BatchRegisterDeviceWithApplyId', { ProductKey: productKey, ApplyId: 0 }), 'iot.device.InvalidFormattedApplyId');
    await expectAlibabaError(tenant.call('BatchRegisterDeviceWithApplyId', { ProductKey: other, ApplyId: applyId }), 'iot.device.DeviceApplyIsNotFound');
    const imported = (await tenant.call('BatchImportDevice', { ProductKey: productKey, DeviceList: importRows(1, 'imp') })).Data.ApplyId as number;
    await expectAlibabaError(tenant.call('BatchRegisterDeviceWithApplyId', { ProductKey: productKey, ApplyId: imported }), 'iot.device.IncorrentDeviceApplyInfo');

    await bed.store.db.updateTable('iot_products').set({ device_count: MAX_DEVICES_PER_PRODUCT - 2 }).where('product_key', '=', productKey).execute();
    await expectAlibabaError(tenant.call('BatchRegisterDeviceWithApplyId', { ProductKey: productKey, ApplyId: applyId }), 'iot.device.DeviceCountExceeded');
    expect((await tenant.call('QueryBatchRegisterDeviceStatus', { ProductKey: productKey, ApplyId: applyId })).Data.Status).toBe('CHECK_SUCCESS');
  });

  it('a name registered between the check and the creation fails that device only: CREATE_FAILED names it', async () => {
    const productKey = await tenant.product();
    const list = names(4, 'race');
    const { applyId } = await checked(productKey, { DeviceName: list });
    await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'race0002' });
    await tenant.call('BatchRegisterDeviceWithApplyId', { ProductKey: productKey, ApplyId: applyId });
    expect((await settle({ ProductKey: productKey, ApplyId: applyId })).Data).toEqual({
      Status: 'CREATE_FAILED',
      ValidList: { Name: ['race0000', 'race0001', 'race0003'] },
      InvalidList: { Name: ['race0002'] },
    });
    expect((await tenant.call('QueryPageByApplyId', { ApplyId: applyId })).Total).toBe(3);
    expect(await deviceCount(productKey)).toBe(4);
  });

  it('QueryPageByApplyId checks its paging and answers for import applies too', async () => {
    const productKey = await tenant.product();
    const applyId = (await tenant.call('BatchImportDevice', { ProductKey: productKey, DeviceList: importRows(3, 'paged') })).Data.ApplyId as number;
    await expectAlibabaError(tenant.call('QueryPageByApplyId', { ApplyId: applyId }), 'iot.device.CreateDeviceTaskIsRunning');
    await settle({ ProductKey: productKey, ApplyId: applyId });
    for (const paging of [{ PageSize: 51 }, { PageSize: 0 }, { CurrentPage: 0 }, { CurrentPage: -1, PageSize: 10 }]) {
      await expectAlibabaError(tenant.call('QueryPageByApplyId', { ApplyId: applyId, ...paging }), 'iot.common.InvalidPageParams');
    }
    await expectAlibabaError(tenant.call('QueryPageByApplyId', { ApplyId: -1 }), 'iot.device.InvalidFormattedApplyId');
    await expectAlibabaError(tenant.call('QueryPageByApplyId', { ApplyId: 4_242_424_242 }), 'iot.device.DeviceApplyIsNotFound');
    await expectAlibabaError(tenant.call('QueryPageByApplyId', { ApplyId: applyId, IotInstanceId: 'iot-00000000' }), 'iot.system.InstanceNotFound');
    const page = await tenant.call('QueryPageByApplyId', { ApplyId: applyId, CurrentPage: 2, PageSize: 2 });
    expect(page).toMatchObject({ Page: 2, PageSize: 2, PageCount: 2, Total: 3 });
    expect(page.ApplyDeviceList.ApplyDeviceInfo).toEqual([{ DeviceName: 'paged00002', DeviceSecret: 'secret-2', IotId: expect.stringMatching(/^[A-Za-z0-9]{26}$/) }]);
    // Beyond the last page: an empty list.
    expect((await tenant.call('QueryPageByApplyId', { ApplyId: applyId, CurrentPage: 9, PageSize: 2 })).ApplyDeviceList.ApplyDeviceInfo).toEqual([]);
  });

  it('a name check whose runner died resumes once the lease expires; one lost too often ends CHECK_FAILED with every name invalid', async () => {
    const productKey = await tenant.product();
    const resumed = (await tenant.call('BatchCheckDeviceNames', { ProductKey: productKey, DeviceName: ['lease-a', 'lease-b'] })).Data.ApplyId as number;
    expect((await claimImportJob(bed.store.db, 'node-that-died', bed.clock.now, LEASE_MS))?.apply_id).toBe(resumed);
    bed.clock.now += LEASE_MS + 1;
    expect((await settle({ ProductKey: productKey, ApplyId: resumed })).Data.Status).toBe('CHECK_SUCCESS');

    const cursed = (await tenant.call('BatchCheckDeviceNames', { ProductKey: productKey, DeviceName: ['cursed-a', 'cursed-b'] })).Data.ApplyId as number;
    for (let i = 0; i < 5; i++) {
      expect((await claimImportJob(bed.store.db, `crashing-node-${i}`, bed.clock.now, LEASE_MS))?.apply_id).toBe(cursed);
      bed.clock.now += LEASE_MS + 1;
    }
    expect((await settle({ ProductKey: productKey, ApplyId: cursed })).Data).toEqual({ Status: 'CHECK_FAILED', ValidList: { Name: [] }, InvalidList: { Name: ['cursed-a', 'cursed-b'] } });
    const job = await bed.store.db.selectFrom('iot_import_jobs').selectAll().where('apply_id', '=', cursed).executeTakeFirstOrThrow();
    expect(job).toMatchObject({ kind: 'names', failure: 'iot.device.ApplyManyDevicesFailed', lease_owner: null });
  });

  it.skipIf(HOST_PREFIX === undefined)('a job held by an ended process of this host is taken over at once; one held by a live runner or another host waits for its lease', async () => {
    const productKey = await tenant.product();
    const applyIdOf = async () => (await tenant.call('BatchRegisterDevice', { ProductKey: productKey, Count: 3 })).Data.ApplyId as number;
    const ended = spawnSync(process.execPath, ['-e', '']).pid;
    const holders = {
      dead: `${HOST_PREFIX}${ended}/earlier-process/runner`,
      live: newRunnerId(),
      // Same hostname, another machine (boot id) or pid namespace.
      remote: `${HOST_PREFIX!.split(':')[0]}:another-boot:4026531836/${ended}/earlier-process/runner`,
    };
    expect([isDeadLocalRunner(holders.dead), isDeadLocalRunner(holders.live), isDeadLocalRunner(holders.remote)]).toEqual([true, false, false]);
    const held: Record<string, number> = {};
    for (const [name, holder] of Object.entries(holders)) {
      held[name] = await applyIdOf();
      expect((await claimImportJob(bed.store.db, holder, bed.clock.now, LEASE_MS))?.apply_id).toBe(held[name]);
    }
    // A pid reused by this very process under another process id is an earlier incarnation (pid 1 in a restarted container).
    expect(isDeadLocalRunner(`${HOST_PREFIX}${process.pid}/earlier-process/runner`)).toBe(true);

    expect((await settle({ ProductKey: productKey, ApplyId: held.dead! })).Data.Status).toBe('CREATE_SUCCESS');
    for (const name of ['live', 'remote']) {
      const job = await bed.store.db.selectFrom('iot_import_jobs').selectAll().where('apply_id', '=', held[name]!).executeTakeFirstOrThrow();
      expect(job).toMatchObject({ status: 'CREATE', next_seq: 0, lease_owner: holders[name as keyof typeof holders] });
    }
    bed.clock.now += LEASE_MS + 1;
    for (const name of ['live', 'remote']) expect((await settle({ ProductKey: productKey, ApplyId: held[name]! })).Data.Status).toBe('CREATE_SUCCESS');
    expect(await deviceCount(productKey)).toBe(9);
  });

  it('concurrent BatchRegisterDeviceWithApplyId calls start one creation; every device exists once', async () => {
    const productKey = await tenant.product();
    const list = names(50, 'dup');
    const { applyId } = await checked(productKey, { DeviceName: list });
    const answers = await Promise.all(Array.from({ length: 6 }, () => tenant.call('BatchRegisterDeviceWithApplyId', { ProductKey: productKey, ApplyId: applyId })));
    for (const answer of answers) expect(answer.Data.ApplyId).toBe(applyId);
    expect((await settle({ ProductKey: productKey, ApplyId: applyId })).Data.Status).toBe('CREATE_SUCCESS');
    expect(await deviceCount(productKey)).toBe(50);
  });

  describe('registration-free ClientIds', () => {
    let productKey: string;
    let iotId: string;
    beforeAll(async () => {
      productKey = await tenant.product();
      iotId = (await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'regnwl-device' })).Data.IotId as string;
    });
    const device = () => ({ accountId: tenant.accountId, iotId });

    it('QueryClientIds lists the ClientIds issued to a device, oldest first; reissuing one replaces its token', async () => {
      expect(await tenant.call('QueryClientIds', { IotId: iotId })).toEqual({ Success: true, Data: { IotId: iotId, DynamicRegClientIds: [] } });
      const first = bed.clock.now;
      await recordClientId(bed.store.db, bed.secrets, device(), { clientId: 'client-b', deviceToken: 'token-b' }, first);
      await recordClientId(bed.store.db, bed.secrets, device(), { clientId: 'client-a', deviceToken: 'token-a' }, first + 1_000);
      await recordClientId(bed.store.db, bed.secrets, device(), { clientId: 'client-b', deviceToken: 'token-b2' }, first + 2_000);
      const listed = await tenant.call('QueryClientIds', { IotId: iotId });
      expectDocumentedShape('QueryClientIds', listed);
      expect(listed.Data).toEqual({ IotId: iotId, DynamicRegClientIds: [{ ClientId: 'client-a', CreateTime: first + 1_000 }, { ClientId: 'client-b', CreateTime: first + 2_000 }] });
      expect((await findClientToken(bed.store.db, bed.secrets, iotId, 'client-b'))?.token).toBe('token-b2');
      expect(await findClientToken(bed.store.db, bed.secrets, iotId, 'client-c')).toBeUndefined();
      // Tokens are sealed at rest, each bound to its (device, ClientId) pair.
      const rows = await bed.store.db.selectFrom('iot_client_ids').selectAll().where('iot_id', '=', iotId).execute();
      expect(JSON.stringify(rows)).not.toContain('token-');
    });

    it(`a device holds at most ${MAX_CLIENT_IDS_PER_DEVICE} ClientIds: another is refused, reissuing a held one still replaces its token`, async () => {
      const capped = { accountId: tenant.accountId, iotId: (await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'capped-device' })).Data.IotId as string };
      for (let n = 0; n < MAX_CLIENT_IDS_PER_DEVICE; n++) await recordClientId(bed.store.db, bed.secrets, capped, { clientId: `held-${n}`, deviceToken: `token-${n}` }, bed.clock.now);
      await expect(recordClientId(bed.store.db, bed.secrets, capped, { clientId: 'one-more', deviceToken: 'token-x' }, bed.clock.now)).rejects.toMatchObject({ reason: 'client-id-limit' });
      await recordClientId(bed.store.db, bed.secrets, capped, { clientId: 'held-0', deviceToken: 'token-0b' }, bed.clock.now);
      expect((await findClientToken(bed.store.db, bed.secrets, capped.iotId, 'held-0'))?.token).toBe('token-0b');
      expect(await listClientIds(bed.store.db, tenant.accountId, capped.iotId)).toHaveLength(MAX_CLIENT_IDS_PER_DEVICE);
      await expect(recordClientId(bed.store.db, bed.secrets, { ...capped, iotId: 'Z'.repeat(26) }, { clientId: 'c', deviceToken: 't' }, bed.clock.now)).rejects.toMatchObject({ reason: 'device-gone' });
    });

    it('another account sees and revokes nothing of the device', async () => {
      await expectAlibabaError(stranger.call('QueryClientIds', { IotId: iotId }), 'iot.device.NotExistedDevice');
      await expectAlibabaError(stranger.call('DeleteClientIds', { IotId: iotId }), 'iot.device.NotExistedDevice');
      expect(await deleteClientIds(bed.store.db, stranger.accountId, iotId)).toBe(0);
      expect(await listClientIds(bed.store.db, stranger.accountId, iotId)).toEqual([]);
      expect((await tenant.call('QueryClientIds', { IotId: iotId })).Data.DynamicRegClientIds).toHaveLength(2);
    });

    it('DeleteClientIds revokes them all: their tokens no longer open; deleting none succeeds', async () => {
      const deleted = await tenant.call('DeleteClientIds', { IotId: iotId });
      expectDocumentedShape('DeleteClientIds', deleted);
      expect(deleted).toEqual({ Success: true });
      expect((await tenant.call('QueryClientIds', { IotId: iotId })).Data.DynamicRegClientIds).toEqual([]);
      expect(await findClientToken(bed.store.db, bed.secrets, iotId, 'client-a')).toBeUndefined();
      expect(await tenant.call('DeleteClientIds', { IotId: iotId })).toEqual({ Success: true });
    });

    it.each(['QueryClientIds', 'DeleteClientIds'])('%s addresses the device by IotId: empty or malformed, unknown, other instance', async (action) => {
      await expectAlibabaError(tenant.call(action, { IotId: '' }), 'iot.device.InvalidIoTId');
      await expectAlibabaError(tenant.call(action, { IotId: 'not-an-iot-id' }), 'iot.device.InvalidIoTId');
      await expectAlibabaError(tenant.call(action, { IotId: 'A'.repeat(26) }), 'iot.device.NotExistedDevice');
      await expectAlibabaError(tenant.call(action, { IotId: iotId, IotInstanceId: 'iot-00000000' }), 'iot.system.InstanceNotFound');
    });

    it('a deleted device takes its ClientIds with it, and none can be issued to it afterwards', async () => {
      const other = (await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'regnwl-gone' })).Data.IotId as string;
      await recordClientId(bed.store.db, bed.secrets, { accountId: tenant.accountId, iotId: other }, { clientId: 'c1', deviceToken: 't1' }, bed.clock.now);
      await tenant.call('DeleteDevice', { IotId: other });
      expect(await bed.store.db.selectFrom('iot_client_ids').select('client_id').where('iot_id', '=', other).execute()).toEqual([]);
      const refused = await recordClientId(bed.store.db, bed.secrets, { accountId: tenant.accountId, iotId: other }, { clientId: 'c2', deviceToken: 't2' }, bed.clock.now).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(StoreRefusal);
      expect((refused as StoreRefusal<string>).reason).toBe('device-gone');
    });
  });

  it('another account reaches none of the applies', async () => {
    const productKey = await tenant.product();
    const { applyId } = await checked(productKey, { DeviceName: ['mine-0001'] });
    for (const [action, params] of [
      ['BatchCheckDeviceNames', { ProductKey: productKey, DeviceName: ['theirs-01'] }],
      ['BatchRegisterDevice', { ProductKey: productKey, Count: 1 }],
      ['BatchRegisterDeviceWithApplyId', { ProductKey: productKey, ApplyId: applyId }],
      ['QueryBatchRegisterDeviceStatus', { ProductKey: productKey, ApplyId: applyId }],
    ] as const) {
      await expectAlibabaError(stranger.call(action, params), 'iot.prod.NotExistedProduct');
    }
    // With a product of its own the ApplyId is still not found.
    const theirs = await stranger.product();
    await expectAlibabaError(stranger.call('BatchRegisterDeviceWithApplyId', { ProductKey: theirs, ApplyId: applyId }), 'iot.device.DeviceApplyIsNotFound');
    await expectAlibabaError(stranger.call('QueryPageByApplyId', { ApplyId: applyId }), 'iot.device.DeviceApplyIsNotFound');
    expect((await tenant.call('QueryBatchRegisterDeviceStatus', { ProductKey: productKey, ApplyId: applyId })).Data.Status).toBe('CHECK_SUCCESS');
    expect(await applies(theirs)).toBe(0);
  });
});
