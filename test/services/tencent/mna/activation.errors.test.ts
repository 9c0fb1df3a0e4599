import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../support/server.ts';
import { openWorld, unique, type World } from './support.ts';
import { expectTencentError } from '../../../support/tencent-harness.ts';

type Entry = { Vendor: string; SN: string; DeviceName: string; DataKey?: string; GroupId?: string; AccessScope?: number; LicensePayMode?: number; FlowTrunc?: number };

describe.each(DIALECTS)('MNA ActivateHardware, documented errors (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld(dialect);
  });
  afterAll(() => world?.close());

  const entry = (SN: string, extra: Partial<Entry> = {}): Entry => ({ Vendor: world.vendorName, SN, DeviceName: unique('dev'), ...extra });
  const activate = (...entries: Entry[]) => world.customer.client.ActivateHardware({ Hardware: entries });
  const statusOf = async (sn: string) => (await world.vendor.client.GetVendorHardware({ PageNumber: 1, PageSize: 1, Keyword: sn })).VendorHardware![0]!.Status;
  const devicesNamed = async (name: string) => (await world.customer.client.GetDevices({ PageNumber: -1, PageSize: -1, Keyword: name })).Length;

  it('an unregistered Vendor is OperationDenied.VendorNotRegister', async () => {
    const error = await expectTencentError(activate(entry(unique('sn'), { Vendor: unique('nobody') })), 'OperationDenied.VendorNotRegister');
    expect(error.message).toContain('Hardware.0.Vendor');
  });

  it('an unknown SN is OperationDenied.HardwareNotExist', async () => {
    await expectTencentError(activate(entry(unique('missing'))), 'OperationDenied.HardwareNotExist');
  });

  it('activated hardware, or an SN twice in the batch, is OperationDenied.HardwareHasActivated', async () => {
    const [done, twice] = [unique('done'), unique('twice')];
    await world.addHardware([done, twice]);
    await activate(entry(done));
    await expectTencentError(world.stranger.client.ActivateHardware({ Hardware: [entry(done)] }), 'OperationDenied.HardwareHasActivated');
    const error = await expectTencentError(activate(entry(twice), entry(twice)), 'OperationDenied.HardwareHasActivated');
    expect(error.message).toContain('Hardware.1.SN');
    expect(await statusOf(twice)).toBe(1);
  });

  it('a DeviceName taken in the account, or twice in the batch, is InternalError.DuplicateDeviceName', async () => {
    const [a, b, c] = [unique('n1'), unique('n2'), unique('n3')];
    await world.addHardware([a, b, c]);
    const name = unique('taken');
    await world.customer.client.AddDevice({ DeviceName: name });
    await expectTencentError(activate(entry(a, { DeviceName: name })), 'InternalError.DuplicateDeviceName');
    const twice = unique('twice');
    const error = await expectTencentError(activate(entry(b, { DeviceName: twice }), entry(c, { DeviceName: twice })), 'InternalError.DuplicateDeviceName');
    expect(error.message).toContain('Hardware.1.DeviceName');
    expect([await statusOf(a), await statusOf(b), await devicesNamed(twice)]).toEqual([1, 1, 0]);
    // Another account may use the same name.
    await expect(world.stranger.client.ActivateHardware({ Hardware: [entry(a, { DeviceName: name })] })).resolves.toBeDefined();
  });

  it('a malformed or already used DataKey, unknown GroupId or out-of-range option is InvalidParameterValue', async () => {
    const sn = unique('bad');
    await world.addHardware([sn]);
    const used = Buffer.from(unique('used-key')).toString('base64');
    await world.customer.client.AddDevice({ DeviceName: unique('holder'), DataKey: used });
    const cases: [Partial<Entry>, string][] = [
      [{ DataKey: 'line\nbreak' }, 'Hardware.0.DataKey'],
      [{ DataKey: 'k'.repeat(129) }, 'Hardware.0.DataKey'],
      [{ DataKey: used }, 'Hardware.0.DataKey'],
      [{ GroupId: 'cliGrp-nonexisting' }, 'Hardware.0.GroupId'],
      [{ AccessScope: 3 }, 'Hardware.0.AccessScope'],
      [{ LicensePayMode: 2 }, 'Hardware.0.LicensePayMode'],
      [{ FlowTrunc: -1 }, 'Hardware.0.FlowTrunc'],
      [{ DeviceName: 'white space' }, 'Hardware.0.DeviceName'],
      [{ SN: 'bad sn' }, 'Hardware.0.SN'],
    ];
    for (const [extra, name] of cases) {
      const error = await expectTencentError(activate(entry(sn, extra)), 'InvalidParameterValue');
      expect(error.message, JSON.stringify(extra)).toContain(name);
    }
    expect(await statusOf(sn)).toBe(1);
    await expectTencentError(activate(), 'InvalidParameterValue');
  });

  it('is all-or-nothing: a failing last entry leaves every earlier entry unactivated', async () => {
    const [a, b] = [unique('all1'), unique('all2')];
    await world.addHardware([a, b]);
    const names = [unique('keep'), unique('keep')];
    await expectTencentError(activate(entry(a, { DeviceName: names[0] }), entry(b, { DeviceName: names[1] }), entry(unique('ghost'))), 'OperationDenied.HardwareNotExist');
    expect([await statusOf(a), await statusOf(b), await devicesNamed(names[0]!), await devicesNamed(names[1]!)]).toEqual([1, 1, 0, 0]);
  });

  it("returns the first failing entry's error, whatever kind each failure is", async () => {
    const [ok, activated] = [unique('ok'), unique('act')];
    await world.addHardware([ok, activated]);
    await activate(entry(activated));
    const taken = unique('taken');
    await world.customer.client.AddDevice({ DeviceName: taken });

    const notExist = await expectTencentError(activate(entry(ok), entry(unique('ghost')), entry(ok, { DataKey: '!' })), 'OperationDenied.HardwareNotExist');
    expect(notExist.message).toContain('Hardware.1.SN');
    const badKey = await expectTencentError(activate(entry(ok, { DataKey: 'tab\there' }), entry(unique('ghost'))), 'InvalidParameterValue');
    expect(badKey.message).toContain('Hardware.0.DataKey');
    // Entry 0 fails only on its name, which the checks before the write do not read; entry 1 is already activated.
    const nameFirst = await expectTencentError(activate(entry(ok, { DeviceName: taken }), entry(activated)), 'InternalError.DuplicateDeviceName');
    expect(nameFirst.message).toContain('Hardware.0.DeviceName');
    expect(await statusOf(ok)).toBe(1);
  });

  it('a DataKey twice in the batch is InvalidParameterValue on the second entry, and nothing is activated', async () => {
    const [a, b] = [unique('dk1'), unique('dk2')];
    await world.addHardware([a, b]);
    const key = Buffer.from(unique('shared-key')).toString('base64');
    const error = await expectTencentError(activate(entry(a, { DataKey: key }), entry(b, { DataKey: key })), 'InvalidParameterValue');
    expect(error.message).toContain('Hardware.1.DataKey');
    expect([await statusOf(a), await statusOf(b)]).toEqual([1, 1]);
  });

  it('a rejected batch writes nothing, not even the key row of an account that never had one', async () => {
    const newcomer = await world.party();
    await expectTencentError(newcomer.client.ActivateHardware({ Hardware: [entry(unique('ghost'))] }), 'OperationDenied.HardwareNotExist');
    const keyRows = await world.server.app.store.db.selectFrom('mna_account_keys').select('account_id').where('account_id', '=', newcomer.account.id).execute();
    expect(keyRows).toEqual([]);
  });
});
