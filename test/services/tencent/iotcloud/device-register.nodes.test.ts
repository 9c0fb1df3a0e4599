import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, startCluster, startTestServer, type TestServer } from '../../../support/server.ts';
import { sendRaw } from '../../../support/http.ts';
import { C_SDK_TIMESTAMP, registerRequest, type RegisterOptions } from '../../../support/tencent-device-client.ts';
import { iotcloudClient } from './support.ts';

/** A dynamic-registration product of a fresh account on `server`, made with the official SDK. */
async function product(server: TestServer, registerType: number, registerLimit: number): Promise<{ productId: string; productSecret: string }> {
  const account = await server.createAccount();
  const client = iotcloudClient(server, account);
  const created = await client.CreateProduct({ ProductName: 'p', ProductProperties: { EncryptionType: '2' } });
  const updated = await client.UpdateProductDynamicRegister({ ProductId: created.ProductId!, RegisterType: registerType, RegisterLimit: registerLimit });
  return { productId: created.ProductId!, productSecret: updated.ProductSecret! };
}

const code = async (server: TestServer, options: RegisterOptions): Promise<string> => {
  const answer = (await sendRaw(server.url, registerRequest(server.endpoint, options))).json();
  return answer.Response.Error?.Code ?? 'Success';
};

describe('IoT Hub registration on two nodes sharing PostgreSQL and Redis', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  beforeAll(async () => {
    cluster = await startCluster(2, { FLEETGATE_REDIS_URL: REDIS_URL });
  });
  afterAll(() => cluster.close());

  it('30 parallel auto-creations split over both nodes against a RegisterLimit of 7 create exactly 7 devices', async () => {
    const [a, b] = cluster.nodes as [TestServer, TestServer];
    const p = await product(a, 2, 7);
    const codes = await Promise.all(Array.from({ length: 30 }, (_, i) => code(i % 2 === 0 ? a : b, { ...p, deviceName: `n${i}` })));
    expect(codes.filter((c) => c === 'Success')).toHaveLength(7);
    expect(codes.filter((c) => c === 'LimitExceeded.DeviceExceedLimit')).toHaveLength(23);
    const row = await a.app.store.db.selectFrom('iotcloud_products').select(['device_count', 'dynamic_device_count']).where('product_id', '=', p.productId).executeTakeFirstOrThrow();
    expect(row).toEqual({ device_count: 7, dynamic_device_count: 7 });
  });

  it('a request replayed to the other node is refused: the nonce is claimed in Redis', async () => {
    const [a, b] = cluster.nodes as [TestServer, TestServer];
    const p = await product(a, 2, 10);
    const raw = registerRequest(a.endpoint, { ...p, deviceName: 'once' });
    expect((await sendRaw(a.url, raw)).json().Response.Payload).toBeDefined();
    expect((await sendRaw(b.url, raw)).json().Response.Error.Code).toBe('AuthFailure.SignatureFailure');
  });
});

describe('IoT Hub registration settings', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      dialect: 'sqlite',
      env: { FLEETGATE_IOTHUB_REGISTER_WINDOW_SECONDS: '300', FLEETGATE_RATE_LIMITS: 'device-tencent.iotcloud:DynamicRegister=2' },
    });
  });
  afterAll(() => server.close());

  it('with a clock window set, the C SDK fixed timestamp is refused with AuthFailure.SignatureExpire and a current one passes', async () => {
    const p = await product(server, 2, 10);
    expect(await code(server, { ...p, deviceName: 'c-sdk', timestamp: C_SDK_TIMESTAMP })).toBe('AuthFailure.SignatureExpire');
    expect(await code(server, { ...p, deviceName: 'c-sdk', timestamp: Math.floor(Date.now() / 1000) })).toBe('Success');
  });

  it('the window is judged on real time: a current timestamp still passes with the emulator clock moved a day ahead', async () => {
    const p = await product(server, 2, 10);
    server.app.clock.set(86_400_000);
    try {
      expect(await code(server, { ...p, deviceName: 'clocked', timestamp: Math.floor(Date.now() / 1000) })).toBe('Success');
    } finally {
      server.app.clock.reset();
    }
  });

  it("forged requests naming a product do not spend its rate budget; genuine ones do", async () => {
    const p = await product(server, 2, 100);
    const now = Math.floor(Date.now() / 1000);
    const forged = await Promise.all(Array.from({ length: 8 }, (_, i) => code(server, { ...p, productSecret: 'not-the-secret-000000', deviceName: `f${i}`, timestamp: now })));
    expect(forged).toEqual(Array(8).fill('AuthFailure.SignatureFailure'));
    expect(await code(server, { ...p, deviceName: 'genuine', timestamp: now })).toBe('Success');
    const genuine = await Promise.all(Array.from({ length: 8 }, (_, i) => code(server, { ...p, deviceName: `g${i}`, timestamp: now })));
    expect(genuine.filter((c) => c === 'RequestLimitExceeded').length).toBeGreaterThanOrEqual(4);
  });
});
