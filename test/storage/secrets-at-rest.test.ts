import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import RPCClient from '@alicloud/pop-core';
import { startTestServer } from '../support/server.ts';
import { mnaClient } from '../support/tencent-harness.ts';

/** Every byte of the SQLite database: main file, WAL and shared memory. */
function databaseBytes(dataDir: string): Buffer {
  return Buffer.concat(
    readdirSync(dataDir)
      .filter((name) => name.startsWith('fleetgate.db'))
      .map((name) => readFileSync(join(dataDir, name))),
  );
}

describe('secrets at rest', () => {
  it('the SQLite files hold no plaintext secret key, data key, product secret or device secret', async () => {
    const server = await startTestServer({ dialect: 'sqlite' });
    const account = await server.createAccount();
    const secrets: string[] = [account.tencent.secretKey, account.alibaba.accessKeySecret];
    try {
      const dataKey = 'c2VjcmV0LWRhdGEta2V5LTAwMDE=';
      const device = await mnaClient(server, account).AddDevice({ DeviceName: 'at-rest', DataKey: dataKey });
      secrets.push(dataKey, device.DataKey!);

      const pop = new RPCClient({ endpoint: server.url, apiVersion: '2018-01-20', ...account.alibaba });
      const product = (await pop.request('CreateProduct', { ProductName: 'AtRest', NodeType: 0 }, { method: 'POST' })) as { Data: { ProductKey: string; ProductSecret?: string } };
      const registered = (await pop.request('RegisterDevice', { ProductKey: product.Data.ProductKey, DeviceName: 'at-rest-device' }, { method: 'POST' })) as { Data: { DeviceSecret: string } };
      secrets.push(registered.Data.DeviceSecret);
      const detail = (await pop.request('QueryProduct', { ProductKey: product.Data.ProductKey }, { method: 'POST' })) as { Data: { ProductSecret: string } };
      secrets.push(detail.Data.ProductSecret);

      expect(secrets.every((secret) => typeof secret === 'string' && secret.length >= 16)).toBe(true);
      const bytes = databaseBytes(server.app.config.dataDir);
      expect(bytes.length).toBeGreaterThan(0);
      for (const secret of secrets) expect(bytes.includes(Buffer.from(secret)), `plaintext found: ${secret.slice(0, 4)}…`).toBe(false);
      // The public half is stored in the clear: proof that these are the files the rows went to.
      expect(bytes.includes(Buffer.from(account.tencent.secretId))).toBe(true);
    } finally {
      await server.close();
    }
  });
});
