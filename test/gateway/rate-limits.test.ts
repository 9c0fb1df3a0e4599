import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, startCluster, startTestServer, type TestAccount, type TestServer } from '../support/server.ts';
import { sendRaw } from '../support/http.ts';
import { tc3, v1 } from '../support/tencent-harness.ts';

const LIMIT_MESSAGE = /^Your current request times equals to `(\d+)` in a second, which exceeds the frequency limit `5` for a second\. Please reduce the frequency of calls\.$/;

async function burst(servers: readonly TestServer[], account: TestAccount, count: number) {
  const responses = await Promise.all(
    Array.from({ length: count }, (_, i) => {
      const server = servers[i % servers.length]!;
      return sendRaw(server.url, tc3(server, account, { action: 'GetHardwareInfo', params: { Vendor: 'v', SN: 's' } }));
    }),
  );
  return responses.map((r) => r.json().Response.Error?.Code as string);
}

describe('RequestLimitExceeded on one node (in memory)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      dialect: 'sqlite',
      env: { FLEETGATE_RATE_LIMIT: '5', FLEETGATE_RATE_LIMITS: 'tencent.mna:GetPublicKey=2,tencent.iotcloud:*=1,alibaba.iot:*=1' },
    });
  });
  afterAll(() => server.close());

  it('lets the limit through per account per action in a second and refuses the rest with the documented message', async () => {
    const account = await server.createAccount();
    const codes = await burst([server], account, 8);
    expect(codes.filter((c) => c === 'OperationDenied.HardwareNotExist')).toHaveLength(5);
    expect(codes.filter((c) => c === 'RequestLimitExceeded')).toHaveLength(3);

    const refused = await sendRaw(server.url, tc3(server, account, { action: 'GetHardwareInfo', params: { Vendor: 'v', SN: 's' } }));
    expect(refused.json().Response.Error.Message).toMatch(LIMIT_MESSAGE);
    const otherAction = await sendRaw(server.url, tc3(server, account, { action: 'GetPublicKey', params: {} }));
    expect(otherAction.json().Response.Error).toBeUndefined();
    const otherAccount = await server.createAccount();
    expect(await burst([server], otherAccount, 1)).toEqual(['OperationDenied.HardwareNotExist']);
  });

  it('FLEETGATE_RATE_LIMITS keys name cloud and product: tencent.mna:GetPublicKey applies to it, other products’ keys do not', async () => {
    const account = await server.createAccount();
    const responses = await Promise.all(Array.from({ length: 4 }, () => sendRaw(server.url, tc3(server, account, { action: 'GetPublicKey', params: {} }))));
    const errors = responses.map((r) => r.json().Response.Error);
    expect(errors.filter((e) => e === undefined)).toHaveLength(2);
    expect(errors.filter((e) => e?.Code === 'RequestLimitExceeded')[0].Message).toContain('exceeds the frequency limit `2`');
  });

  it('does not use up a v1 nonce on a throttled request, so an identical retry (Go SDK) succeeds', async () => {
    const account = await server.createAccount();
    await burst([server], account, 5);
    const request = v1(server, account, { action: 'GetHardwareInfo', params: { Vendor: 'v', SN: 's' }, nonce: 777 });
    expect((await sendRaw(server.url, request)).json().Response.Error.Code).toBe('RequestLimitExceeded');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await sendRaw(server.url, request)).json().Response.Error.Code).toBe('OperationDenied.HardwareNotExist');
    expect((await sendRaw(server.url, request)).json().Response.Error.Message).toContain('replay');
  });
});

describe('two nodes on one PostgreSQL sharing Redis', () => {
  let nodes: TestServer[];
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ nodes, close } = await startCluster(2, { FLEETGATE_RATE_LIMIT: '5', FLEETGATE_REDIS_URL: REDIS_URL }));
  });
  afterAll(() => close());

  it('share one rate budget: together they let through only the limit', async () => {
    const account = await nodes[0]!.createAccount();
    const codes = await burst(nodes, account, 12);
    expect(codes.filter((c) => c === 'OperationDenied.HardwareNotExist')).toHaveLength(5);
  });

  it('share replay protection: a v1 request executed on one node is refused on the other', async () => {
    const account = await nodes[0]!.createAccount();
    const request = v1(nodes[0]!, account, { action: 'GetHardwareInfo', params: { Vendor: 'v', SN: 's' }, nonce: 31337 });
    expect((await sendRaw(nodes[0]!.url, request)).json().Response.Error.Code).toBe('OperationDenied.HardwareNotExist');
    // The very same bytes, Host header included, sent to the other node.
    const error = (await sendRaw(nodes[1]!.url, request)).json().Response.Error;
    expect(error).toEqual({ Code: 'AuthFailure.SignatureFailure', Message: expect.stringContaining('replay') });
  });

  it('see each other’s writes: a key created through one node authenticates on the other', async () => {
    const account = await nodes[1]!.createAccount();
    const response = await sendRaw(nodes[0]!.url, tc3(nodes[0]!, account, { action: 'GetPublicKey', params: {} }));
    expect(response.json().Response.Error).toBeUndefined();
  });
});
