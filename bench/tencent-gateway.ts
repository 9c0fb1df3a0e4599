/**
 * Signed GetHardwareInfo (TC3) at 50 connections: Fleetgate as a user runs it (`node
 * bin/fleetgate.js serve` in a process of its own, its JSON log on stdout redirected to a file,
 * graceful-shutdown hooks, metrics, rate limit raised out of the way) against a bare reference in
 * another process that shares no code with Fleetgate (bench/support/tencent-reference.ts: node:http,
 * node:crypto, better-sqlite3) reading the same database file. autocannon drives both from a third
 * process; rounds alternate so drift on a noisy machine hits both alike.
 *
 *   npm run bench -- tencent-gateway        (BENCH_ROUNDS pairs of BENCH_SECONDS each, default 3 × 10 s)
 */
import { createAccountWithKeys } from '../src/core/bootstrap.ts';
import { registerVendor } from '../src/services/tencent/mna/store/vendors.ts';
import { insertHardware } from '../src/services/tencent/mna/store/hardware.ts';
import { signTc3Request } from '../test/support/tencent-signer.ts';
import { load } from './support/harness.ts';
import { CONNECTIONS, compareWithReference } from './support/compare.ts';
import { benchDataDir, seed } from './support/seed.ts';

// One vendor with one SN (vendor pays monthly), one customer asking about it.
const { dataDir, env } = benchDataDir();
const customerKey = await seed(dataDir, env, async ({ store, secrets }) => {
  const now = Date.now();
  const vendor = await createAccountWithKeys(store.db, secrets, { name: 'bench-vendor', now });
  const customer = await createAccountWithKeys(store.db, secrets, { name: 'bench-customer', now });
  await registerVendor(store.db, vendor.account.id, 'kainan', now);
  await insertHardware(store.db, vendor.account.id, [
    { hardware_id: 'hw-bench-1', sn: '123321', license_charging_mode: 2, description: '', status: 1, created_at: now, activated_at: null, owner_account_id: null },
  ]);
  return customer.keys[0];
});

await compareWithReference({
  title: 'GetHardwareInfo, TC3 POST',
  dataDir,
  env,
  reference: { script: 'tencent-reference.ts', spec: { secretId: customerKey.keyId, secretKey: customerKey.secret } },
  prepare: async ({ fleetgate, reference }) => {
    // TC3 has no nonce (replay protection is the v1 Nonce's): a signature holds for 300 s either
    // side of its timestamp, so each round sends one request signed as the round starts, as a
    // client re-sending the same call would.
    const signedNow = () => {
      const signed = signTc3Request({
        secretId: customerKey.keyId,
        secretKey: customerKey.secret,
        action: 'GetHardwareInfo',
        version: '2021-01-19',
        timestamp: Math.floor(Date.now() / 1000),
        host: '127.0.0.1',
        params: { Vendor: 'kainan', SN: '123321' },
      });
      const headers = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name !== 'host')) as Record<string, string>;
      return { headers, body: signed.body.toString() };
    };
    const { headers, body } = signedNow();
    for (const server of [fleetgate, reference]) {
      const answer = await (await fetch(`http://127.0.0.1:${server.port}/`, { method: 'POST', headers, body })).text();
      if (!answer.includes('"LicensePayMode":0,"Payer":1')) throw new Error(`the signed request fails on port ${server.port}: ${answer}`);
    }
    return (server, seconds) => load({ url: `http://127.0.0.1:${server.port}/`, connections: CONNECTIONS, seconds, method: 'POST', ...signedNow() });
  },
});
