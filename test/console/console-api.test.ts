import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestServer, type TestServer } from '../support/server.ts';
import { credit } from '../../src/billing/ledger.ts';
import { alibabaClient } from '../support/alibaba-harness.ts';
import { consoleCaller, signIn, until, type Json } from './support.ts';

const DAY = 86_400_000;
const sn = (i: number) => `SN${String(i).padStart(5, '0')}`;

/** Reads every page of a list, `limit` rows at a time. */
async function readAll(call: ReturnType<typeof consoleCaller>, path: string, limit: number, from: string | null = null): Promise<Json[]> {
  const items: Json[] = [];
  let cursor = from;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page: Json = await call('GET', `${path}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

describe.each(DIALECTS)('console API on %s', (dialect) => {
  let server: TestServer;
  let admin: ReturnType<typeof consoleCaller>;
  let vendorId: string;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
    admin = consoleCaller(server, await signIn(server, { adminToken: server.adminToken }));
    vendorId = (await admin('POST', '/accounts', { name: `vendor-${dialect}` })).body.account.id;
    expect((await admin('POST', `/accounts/${vendorId}/mna/vendor`, { name: `acme-${dialect}` })).status).toBe(201);
  });
  afterAll(() => server.close());

  it('imports an SN list as a job whose progress and per-row report can be polled', async () => {
    const csv = `SN,Description\n${Array.from({ length: 120 }, (_, i) => `${sn(i)},unit ${i}`).join('\n')}\nbad sn!,broken\n${sn(3)},again\n`;
    const started = await admin('POST', `/accounts/${vendorId}/mna/hardware/imports?licenseChargingMode=1`, csv, 'text/csv');
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ importId: expect.any(String), kind: 'mna-hardware', status: 'running' });
    const finished = await until(() => admin('GET', `/accounts/${vendorId}/imports/${started.body.importId}`), (answer) => answer.body.status !== 'running');
    expect(finished.body).toMatchObject({ status: 'finished', read: 122, valid: 120, rejected: 2, written: 120 });
    const report = await admin('GET', `/accounts/${vendorId}/imports/${started.body.importId}/report`);
    expect(report.body.split('\n')[0]).toBe('line,key,reason');
    expect(report.body).toContain('SN00003');
  });

  it("imports IoT Platform devices from Alibaba's CSV into a product as a job, and lists the product's devices", async () => {
    const account = await server.createAccount();
    const productKey = (await alibabaClient('pop-core POST', server, account).call('CreateProduct', { ProductName: `lamp_${dialect}`, NodeType: 0 })).Data.ProductKey;
    const csv = 'DeviceName,DeviceSecret\nlamp-1,lampSecret00000000000000000001\nlamp-2,lampSecret00000000000000000002\nbad name!,x\n';
    const started = await admin('POST', `/accounts/${account.id}/iot/products/${productKey}/imports`, csv, 'text/csv');
    expect(started.status).toBe(202);
    const finished = await until(() => admin('GET', `/accounts/${account.id}/imports/${started.body.importId}`), (answer) => answer.body.status !== 'running');
    expect(finished.body).toMatchObject({ kind: 'iot-devices', status: 'finished', read: 3, written: 2, rejected: 1 });
    const devices = await readAll(admin, `/accounts/${account.id}/iot/products/${productKey}/devices`, 1);
    expect(devices.map((device) => [device.deviceName, device.status])).toEqual([
      ['lamp-1', 'UNACTIVE'],
      ['lamp-2', 'UNACTIVE'],
    ]);
  });

  it('refuses an import that is not CSV and one for an account that is not a vendor', async () => {
    expect((await admin('POST', `/accounts/${vendorId}/mna/hardware/imports`, { sn: 'x' })).status).toBe(415);
    const other = (await admin('POST', '/accounts', { name: `plain-${dialect}` })).body.account.id;
    const refused = await admin('POST', `/accounts/${other}/mna/hardware/imports`, 'SN\nX1\n', 'text/csv');
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('NotAVendor');
  });

  it('pages hardware by keyset: every row once, in SN order, with prefix search and status filter', async () => {
    const all = await readAll(admin, `/accounts/${vendorId}/mna/hardware`, 7);
    expect(all.map((row) => row.sn)).toEqual(Array.from({ length: 120 }, (_, i) => sn(i)));
    const found = await readAll(admin, `/accounts/${vendorId}/mna/hardware?q=SN0001`, 3);
    expect(found.map((row) => row.sn)).toEqual(Array.from({ length: 10 }, (_, i) => sn(10 + i)));
    expect(await readAll(admin, `/accounts/${vendorId}/mna/hardware?status=2`, 50)).toEqual([]);
  });

  it('keeps a keyset page stable while rows are added before and after the cursor', async () => {
    const first = await admin('GET', `/accounts/${vendorId}/mna/hardware?limit=60`);
    const more = await admin('POST', `/accounts/${vendorId}/mna/hardware/imports?licenseChargingMode=1`, 'SN\nSA00001\nSZ00001\n', 'text/csv');
    await until(() => admin('GET', `/accounts/${vendorId}/imports/${more.body.importId}`), (answer) => answer.body.status !== 'running');
    const rest = await readAll(admin, `/accounts/${vendorId}/mna/hardware`, 60, first.body.nextCursor);
    const seen = [...first.body.items, ...rest].map((row) => row.sn);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain('SZ00001');
    expect(seen).not.toContain('SA00001');
  });

  it('refuses a cursor it did not give', async () => {
    const refused = await admin('GET', `/accounts/${vendorId}/mna/hardware?cursor=bm9wZQ`);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'InvalidParameter', requestId: expect.any(String) });
  });

  it("refuses a cursor whose values are not of its list's column types (a string for a numeric key, a number for a name) with 400, never a database error", async () => {
    const forged = (position: unknown[]) => Buffer.from(JSON.stringify(position)).toString('base64url');
    for (const path of [
      `/accounts/${vendorId}/ledger?cursor=${forged(['x'])}`,
      `/accounts/${vendorId}/mna/hardware?cursor=${forged([1])}`,
      `/accounts/${vendorId}/mna/licenses?cursor=${forged(['x', 'y'])}`,
    ]) {
      const refused = await admin('GET', path);
      expect(refused.status, path).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'InvalidParameter', message: expect.stringContaining('cursor is not one this list gave') });
    }
  });

  it('counts activations per day, week and month, empty buckets included', async () => {
    const monday = Date.UTC(2026, 0, 5);
    const activatedAt = [monday + 1_000, monday + 2_000, monday + DAY + 5, monday + 8 * DAY, Date.UTC(2026, 1, 3)];
    for (const [i, at] of activatedAt.entries()) {
      await server.app.store.db.updateTable('mna_hardware').set({ status: 2, activated_at: at }).where('account_id', '=', vendorId).where('sn', '=', sn(i)).execute();
    }
    const histogram = (query: string) => admin('GET', `/accounts/${vendorId}/mna/activations/histogram?${query}`);
    const days = await histogram(`bucket=day&from=${monday}&to=${monday + 3 * DAY}`);
    expect(days.body).toEqual({ bucket: 'day', from: monday, to: monday + 3 * DAY, buckets: [{ start: monday, count: 2 }, { start: monday + DAY, count: 1 }, { start: monday + 2 * DAY, count: 0 }] });
    const weeks = await histogram(`bucket=week&from=${monday + 3 * DAY}&to=${monday + 14 * DAY}`);
    expect(weeks.body.buckets).toEqual([{ start: monday, count: 3 }, { start: monday + 7 * DAY, count: 1 }]);
    const months = await histogram(`bucket=month&from=${monday}&to=${Date.UTC(2026, 2, 1)}`);
    expect(months.body.buckets).toEqual([{ start: Date.UTC(2026, 0, 1), count: 4 }, { start: Date.UTC(2026, 1, 1), count: 1 }]);
    expect((await histogram(`bucket=day&from=${monday}&to=${monday}`)).status).toBe(400);
  });

  it('pages the ledger newest first, filtered by kind and period, and exports it as CSV', async () => {
    for (const [i, amount] of [100, 250, 5].entries()) await credit(server.app.store, vendorId, amount, `top-up ${i}`, Date.UTC(2026, 0, 1 + i));
    const entries = await readAll(admin, `/accounts/${vendorId}/ledger?kind=credit`, 2);
    expect(entries.map((entry) => entry.amount)).toEqual([5, 250, 100]);
    const period = await readAll(admin, `/accounts/${vendorId}/ledger?from=${Date.UTC(2026, 0, 2)}&to=${Date.UTC(2026, 0, 3)}`, 10);
    expect(period.map((entry) => entry.note)).toEqual(['top-up 1']);
    expect((await readAll(admin, `/accounts/${vendorId}/ledger?kind=refund`, 10)).length).toBe(0);
    const csv = await admin('GET', `/accounts/${vendorId}/ledger.csv?kind=credit`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('seq,createdAt,kind,amount,balanceAfter,action,resource,deviceId,voucherId,requestId,note,id');
    expect(lines.slice(1).map((line: string) => line.split(',')[3])).toEqual(['5', '250', '100']);
    expect((await admin('GET', `/accounts/${vendorId}/balance`)).body).toEqual({ accountId: vendorId, balance: 355 });
  });
});

describe('console API: recent calls', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ dialect: 'sqlite' });
    token = await signIn(server, { adminToken: server.adminToken });
  });
  afterAll(() => server.close());

  /** A cloud API call the gateway answers (an unsigned Tencent request: AuthFailure), so it is recorded. */
  const cloudCall = () => fetch(`${server.url}/`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-tc-action': 'GetDevices' }, body: '{}' });

  it('lists the gateways’ latest calls, newest first, with their request ids', async () => {
    await cloudCall();
    const answered = await cloudCall();
    const requestId = ((await answered.json()) as Json).Response.RequestId;
    const calls = await consoleCaller(server, token)('GET', '/emulator/calls?limit=2');
    expect(calls.body.items).toHaveLength(2);
    expect(calls.body.items[0]).toMatchObject({ cloud: 'tencent', requestId, code: expect.stringMatching(/^AuthFailure/), latencyMs: expect.any(Number) });
    expect(calls.body.items[0].seq).toBe(calls.body.items[1].seq + 1);
    const newer = await consoleCaller(server, token)('GET', `/emulator/calls?after=${calls.body.items[0].seq}`);
    expect(newer.body.items).toEqual([]);
  });

  it('streams each new call as a server-sent event', async () => {
    const abort = new AbortController();
    const response = await fetch(`${server.url}/console/api/v1/emulator/calls/stream?access_token=${encodeURIComponent(token)}`, { signal: abort.signal });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    const readUntil = async (text: string) => {
      while (!received.includes(text)) received += (await reader.read()).value ?? '';
    };
    await readUntil(': connected');
    const requestId = ((await (await cloudCall()).json()) as Json).Response.RequestId;
    await readUntil(requestId);
    await readUntil('\n\n');
    const event = received.split('\n\n').find((block) => block.includes(requestId))!;
    expect(event).toMatch(/^id: \d+\nevent: call\ndata: /);
    expect(JSON.parse(event.split('data: ')[1]!)).toMatchObject({ cloud: 'tencent', requestId });
    abort.abort();
  });

  it('refuses the stream to an account session', async () => {
    const account = await server.createAccount();
    const session = await signIn(server, { secretId: account.tencent.secretId, secretKey: account.tencent.secretKey });
    const refused = await fetch(`${server.url}/console/api/v1/emulator/calls/stream?access_token=${encodeURIComponent(session)}`);
    expect(refused.status).toBe(403);
  });
});
