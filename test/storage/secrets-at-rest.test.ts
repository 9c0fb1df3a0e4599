import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import RPCClient from '@alicloud/pop-core';
import { startTestServer } from '../support/server.ts';
import { mnaClient } from '../support/tencent-harness.ts';
import { iotcloudClient } from '../services/tencent/iotcloud/support.ts';

/** Every byte of the SQLite database: main file, WAL and shared memory. */
function databaseBytes(dataDir: string): Buffer {
  return Buffer.concat(
    readdirSync(dataDir)
      .filter((name) => name.startsWith('fleetgate.db'))
      .map((name) => readFileSync(join(dataDir, name))),
  );
}

describe('secrets at rest', () => {
  it('the SQLite files hold no plaintext secret key, data key, product secret, device secret or PSK, CA key or device private key', async () => {
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

      const iot = iotcloudClient(server, account);
      const keyProduct = await iot.CreateProduct({ ProductName: 'at_rest_key', ProductProperties: { EncryptionType: '2' } });
      const psk = await iot.CreateDevice({ ProductId: keyProduct.ProductId!, DeviceName: 'at-rest' });
      const certProduct = await iot.CreateProduct({ ProductName: 'at_rest_cert' });
      const certDevice = await iot.CreateDevice({ ProductId: certProduct.ProductId!, DeviceName: 'at-rest' });
      const iotAccount = await server.app.store.db.selectFrom('iotcloud_accounts').selectAll().where('account_id', '=', account.id).executeTakeFirstOrThrow();
      const caKey = server.app.secrets.open(iotAccount.ca_key_sealed!, `iotcloud.ca:${account.id}`);
      // Each base64 line of a PEM private key: a stored PEM would hold them between line breaks.
      const pemLines = (pem: string) => pem.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----'));
      secrets.push(keyProduct.ProductProperties!.ProductSecret!, certProduct.ProductProperties!.ProductSecret!, psk.DevicePsk!, ...pemLines(caKey), ...pemLines(certDevice.DevicePrivateKey!));

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
