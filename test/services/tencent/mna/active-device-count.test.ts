import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DIALECTS, startTestServer } from '../../../support/server.ts';
import { expectTencentError, mnaClient } from '../../../support/tencent-harness.ts';
import { openWorld, unique, type Party, type World } from './support.ts';
import { REPORT_LINK_TTL_MS, REPORT_PATH } from '../../../../src/services/tencent/mna/active-device-report.ts';
import { credit } from '../../../../src/billing/ledger.ts';

/** Epoch ms of a Beijing wall-clock time. */
const beijing = (iso: string) => Date.parse(`${iso}+08:00`);
const unix = (ms: number) => Math.floor(ms / 1000);

describe.each(DIALECTS)('MNA active-device statistics (%s)', (dialect) => {
  let world: World;
  let customer: Party;
  let groupName: string;
  beforeAll(async () => {
    // The business clock is Date: the SDK signs with it too, so server and client move together.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true, now: beijing('2026-03-02T10:00:00') });
    world = await openWorld(dialect, { now: () => Date.now() });
    customer = await world.party();
    // Day 1 (Monday 2 March): two monthly own devices, vendor-paid monthly hardware in a group.
    const monthly = await customer.client.AddDevice({ DeviceName: unique('monthly') });
    const upgraded = await customer.client.AddDevice({ DeviceName: unique('upgraded') });
    groupName = unique('grp');
    const { GroupId } = await customer.client.AddGroup({ GroupName: groupName });
    const sn = unique('sn');
    await world.addHardware([sn], 2);
    await customer.client.ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN: sn, DeviceName: unique('cpe'), GroupId }] });
    // Day 2: the monthly device is deleted; the other one is bought a permanent license (LicenseType 3 from then on).
    vi.setSystemTime(beijing('2026-03-03T10:00:00'));
    await customer.client.DeleteDevice({ DeviceId: monthly.DeviceId! });
    await credit(world.server.app.store, customer.account.id, 1_000_000, 'test', Date.now());
    await customer.client.OrderPerLicense({ DeviceId: upgraded.DeviceId!, Type: 0 });
    vi.setSystemTime(beijing('2026-03-04T10:00:00'));
  });
  afterEach(() => vi.setSystemTime(beijing('2026-03-04T10:00:00')));
  afterAll(async () => {
    await world?.close();
    vi.useRealTimers();
  });

  const window = { StartTime: unix(beijing('2026-03-01T00:00:00')), EndTime: unix(beijing('2026-03-05T00:00:00')) };

  it('GetActiveDeviceCount counts by day the devices that existed, with exactly the spec fields', async () => {
    const answer = await customer.client.GetActiveDeviceCount({ Period: 0, ...window });
    expect(answer).toEqual({
      ActiveDeviceList: [
        { Time: '2026-03-01', Count: 0 },
        { Time: '2026-03-02', Count: 3 },
        { Time: '2026-03-03', Count: 3 },
        { Time: '2026-03-04', Count: 2 },
        // Not over yet at the time of the call: nothing is known about it.
        { Time: '2026-03-05', Count: 0 },
      ],
      Period: 0,
      StartTime: '2026-03-01',
      EndTime: '2026-03-05',
      DevGroup: '',
      LicenseType: '',
      AppId: customer.account.id,
      RequestId: expect.any(String),
    });
  });

  it('filters by license type (as of each period’s end) and by group name or id', async () => {
    const counts = async (params: object) => (await customer.client.GetActiveDeviceCount({ ...window, ...params })).ActiveDeviceList!.map((c) => c.Count);
    expect(await counts({ LicenseType: 1 })).toEqual([0, 2, 1, 0, 0]);
    expect(await counts({ LicenseType: 2 })).toEqual([0, 1, 1, 1, 0]);
    expect(await counts({ LicenseType: 3 })).toEqual([0, 0, 1, 1, 0]);
    expect(await counts({ DevGroup: groupName })).toEqual([0, 1, 1, 1, 0]);
    const { GroupInfos } = await customer.client.GetGroupList({ PageNumber: 1, PageSize: 10 });
    const answer = await customer.client.GetActiveDeviceCount({ ...window, DevGroup: GroupInfos![0]!.GroupId, LicenseType: 2 });
    expect([answer.DevGroup, answer.LicenseType]).toEqual([GroupInfos![0]!.GroupId, '2']);
  });

  it('counts by week (from Monday) and by month', async () => {
    expect((await customer.client.GetActiveDeviceCount({ Period: 1, ...window })).ActiveDeviceList).toEqual([
      { Time: '2026-02-23', Count: 0 },
      { Time: '2026-03-02', Count: 3 },
    ]);
    expect((await customer.client.GetActiveDeviceCount({ Period: 2, ...window })).ActiveDeviceList).toEqual([{ Time: '2026-03-01', Count: 3 }]);
  });

  it('a deleted device keeps its license history: permanent from its purchase until its deletion', async () => {
    const other = await world.party();
    const { DeviceId } = await other.client.AddDevice({ DeviceName: unique('short') });
    await credit(world.server.app.store, other.account.id, 1_000_000, 'test', Date.now());
    await other.client.OrderPerLicense({ DeviceId: DeviceId!, Type: 0 });
    vi.setSystemTime(Date.now() + 3600_000);
    await other.client.DeleteDevice({ DeviceId: DeviceId! });
    const today = { Period: 0, StartTime: unix(beijing('2026-03-04T00:00:00')), EndTime: unix(beijing('2026-03-04T23:59:59')) };
    expect((await other.client.GetActiveDeviceCount({ ...today, LicenseType: 3 })).ActiveDeviceList).toEqual([{ Time: '2026-03-04', Count: 1 }]);
    expect((await other.client.GetActiveDeviceCount({ ...today, LicenseType: 1 })).ActiveDeviceList).toEqual([{ Time: '2026-03-04', Count: 0 }]);
  });

  it('counts only the caller’s devices', async () => {
    const counts = await world.stranger.client.GetActiveDeviceCount({ Period: 2, ...window });
    expect(counts.ActiveDeviceList).toEqual([{ Time: '2026-03-01', Count: 0 }]);
    await expectTencentError(world.stranger.client.GetActiveDeviceCount({ ...window, DevGroup: groupName }), 'InvalidParameterValue');
  });

  it('refuses bad values with InvalidParameterValue naming the parameter', async () => {
    const refused = async (params: object, name: string) => {
      const error = await expectTencentError(customer.client.GetActiveDeviceCount(params), 'InvalidParameterValue');
      expect(error.message).toContain(name);
    };
    await refused({ Period: 3 }, 'Period');
    await refused({ LicenseType: 0 }, 'LicenseType');
    await refused({ StartTime: -1 }, 'StartTime');
    await refused({ EndTime: 253_402_300_800 }, 'EndTime');
    await refused({ StartTime: window.EndTime, EndTime: window.StartTime }, 'StartTime');
    await refused({ Period: 0, StartTime: 0, EndTime: window.EndTime }, 'EndTime');
    await refused({ DevGroup: 'no-such-group' }, 'DevGroup');
    await expectTencentError(customer.client.DownloadActiveDeviceCount({ Period: 9 }), 'InvalidParameterValue');
  });

  it('DownloadActiveDeviceCount links a CSV of the same counts, served by Fleetgate until the link expires', async () => {
    const { FilePath } = await customer.client.DownloadActiveDeviceCount({ Period: 0, ...window, LicenseType: 1 });
    expect(FilePath!.startsWith(`${world.server.url}${REPORT_PATH}?token=`)).toBe(true);
    const response = await fetch(FilePath!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await response.text()).toBe('Time,Count\r\n2026-03-01,0\r\n2026-03-02,2\r\n2026-03-03,1\r\n2026-03-04,0\r\n2026-03-05,0\r\n');

    // The file shows the figures as of the call: a device added since does not change it.
    vi.setSystemTime(Date.now() + 1000);
    await customer.client.AddDevice({ DeviceName: unique('later') });
    expect(await (await fetch(FilePath!)).text()).toContain('2026-03-04,0\r\n');

    vi.setSystemTime(Date.now() + REPORT_LINK_TTL_MS + 1000);
    const expired = await fetch(FilePath!);
    expect(expired.status).toBe(403);
    expect(await expired.json()).toEqual({ error: { code: 'ExpiredToken', message: expect.any(String) } });
  });

  it('FilePath uses FLEETGATE_PUBLIC_URL when set', async () => {
    const behindProxy = await startTestServer({ dialect, env: { FLEETGATE_PUBLIC_URL: 'https://fleetgate.example.com/emu' }, now: () => Date.now() });
    try {
      const account = await behindProxy.createAccount();
      const { FilePath } = await mnaClient(behindProxy, account).DownloadActiveDeviceCount({});
      expect(FilePath!.startsWith(`https://fleetgate.example.com/emu${REPORT_PATH}?token=`)).toBe(true);
    } finally {
      await behindProxy.close();
    }
  });

  it('refuses a link that is not one Fleetgate issued', async () => {
    const { FilePath } = await customer.client.DownloadActiveDeviceCount({});
    const token = new URL(FilePath!).searchParams.get('token')!;
    const tampered = `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}${token.slice(-1)}`;
    for (const query of [`token=${tampered}`, 'token=', '']) {
      const response = await fetch(`${world.server.url}${REPORT_PATH}?${query}`);
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('InvalidToken');
    }
  });
});
