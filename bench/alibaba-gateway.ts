/**
 * Signed BatchCheckImportDevice with 2 rows (Alibaba RPC v1, HMAC-SHA1, GET, a fresh
 * SignatureNonce per request) at 50 connections: Fleetgate as a user runs it (`node
 * bin/fleetgate.js serve` in a process of its own, its JSON log on stdout redirected to a file,
 * graceful-shutdown hooks, metrics, replay protection, rate limit raised out of the way) against
 * a bare reference in another process that shares no code with Fleetgate
 * (bench/support/alibaba-reference.ts: node:http, node:crypto, better-sqlite3) reading the same
 * database file. autocannon drives both from a third process, signing each request as it sends
 * it; rounds alternate so drift on a noisy machine hits both alike.
 *
 *   npm run bench -- alibaba-gateway        (BENCH_ROUNDS pairs of BENCH_SECONDS each, default 3 × 10 s)
 */
import RPCClient from '@alicloud/pop-core';
import { createAccountWithKeys } from '../src/core/bootstrap.ts';
import { load } from './support/harness.ts';
import { CONNECTIONS, compareWithReference } from './support/compare.ts';
import { alibabaV1Target, type AlibabaV1Signing } from './support/alibaba-v1-client.ts';
import { benchDataDir, seed } from './support/seed.ts';

const { dataDir, env } = benchDataDir();
const { accountId, key } = await seed(dataDir, env, async ({ store, secrets }) => {
  const created = await createAccountWithKeys(store.db, secrets, { name: 'bench-iot', now: Date.now() });
  return { accountId: created.account.id, key: created.keys[1] };
});

await compareWithReference({
  title: 'BatchCheckImportDevice (2 rows), Alibaba RPC v1 GET',
  dataDir,
  env,
  reference: { script: 'alibaba-reference.ts', spec: { accountId, accessKeyId: key.keyId, accessKeySecret: key.secret } },
  prepare: async ({ fleetgate, reference }) => {
    const sdk = new RPCClient({ endpoint: `http://127.0.0.1:${fleetgate.port}`, apiVersion: '2018-01-20', accessKeyId: key.keyId, accessKeySecret: key.secret });
    const { ProductKey: productKey } = (await sdk.request('CreateProduct', { ProductName: 'bench_check', NodeType: 0 }, { method: 'POST' })) as { ProductKey: string };
    const signing: AlibabaV1Signing = {
      accessKeyId: key.keyId,
      accessKeySecret: key.secret,
      params: {
        Action: 'BatchCheckImportDevice',
        Version: '2018-01-20',
        RegionId: 'cn-shanghai',
        ProductKey: productKey,
        'DeviceList.1.DeviceName': 'bench-device-1',
        'DeviceList.1.DeviceSecret': 'secret-of-device-1',
        'DeviceList.2.DeviceName': 'bench-device-2',
        'DeviceList.2.DeviceSecret': 'secret-of-device-2',
      },
    };
    for (const server of [fleetgate, reference]) {
      const answer = await (await fetch(`http://127.0.0.1:${server.port}${alibabaV1Target(signing)}`)).text();
      if (!/^\{"RequestId":"[0-9A-F-]{36}","Success":true\}$/.test(answer)) throw new Error(`the signed request fails on port ${server.port}: ${answer}`);
    }
    return (server, seconds) =>
      load({ url: `http://127.0.0.1:${server.port}/`, connections: CONNECTIONS, seconds, method: 'GET', headers: {}, body: '', alibabaV1: signing });
  },
});
