import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DIALECTS, startTestServer } from '../../../support/server.ts';
import { freshPostgresSchema } from '../../../support/databases.ts';
import { openStore } from '../../../../src/storage/database.ts';
import { importRows } from './support.ts';
import { alibabaClient } from '../../../support/alibaba-harness.ts';

async function sharedDatabase(dialect: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (dialect === 'postgres') return freshPostgresSchema();
  const dir = mkdtempSync(join(tmpdir(), 'fleetgate-iot-restart-'));
  return { url: join(dir, 'fleetgate.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

describe.each(DIALECTS)('an import job across a server restart (%s)', (dialect) => {
  it('jobs accepted just before a shutdown are finished by the next server on the same database, every device once', async () => {
    const database = await sharedDatabase(dialect);
    const shared = { dialect, databaseUrl: database.url, masterKey: randomBytes(32).toString('base64') } as const;
    try {
      const before = await startTestServer(shared);
      const account = await before.createAccount();
      const first = alibabaClient('pop-core POST', before, account);
      const productKey = (await first.call('CreateProduct', { ProductName: 'restart_product', NodeType: 0 })).ProductKey as string;
      const jobs: number[] = [];
      for (const prefix of ['a', 'b', 'c']) {
        jobs.push((await first.call('BatchImportDevice', { ProductKey: productKey, DeviceList: importRows(10_000, prefix) })).Data.ApplyId);
      }
      await before.close();
      // A clean shutdown hands every unfinished job back at once (how far the first server got
      // depends on timing; import-runner.test.ts pins the interrupted states down one by one).
      const between = openStore({ location: database.url });
      const leased = await between.db.selectFrom('iot_import_jobs').select('apply_id').where('lease_owner', 'is not', null).execute();
      await between.close();
      expect(leased).toEqual([]);

      const after = await startTestServer(shared);
      try {
        const second = alibabaClient('iot20180120 ACS3', after, account);
        for (const applyId of jobs) {
          let status = 'CREATE';
          for (let i = 0; status === 'CREATE' && i < 300; i++) {
            await new Promise((resolve) => setTimeout(resolve, 100));
            status = (await second.call('QueryBatchRegisterDeviceStatus', { ProductKey: productKey, ApplyId: applyId })).Data.Status;
          }
          expect(status).toBe('CREATE_SUCCESS');
        }
        expect((await second.call('QueryProduct', { ProductKey: productKey })).Data.DeviceCount).toBe(30_000);
        const stored = await after.app.store.db
          .selectFrom('iot_devices')
          .select((eb) => [eb.fn.countAll<number>().as('devices'), eb.fn.count<number>('device_name').distinct().as('names')])
          .where('product_key', '=', productKey)
          .executeTakeFirstOrThrow();
        expect({ devices: Number(stored.devices), names: Number(stored.names) }).toEqual({ devices: 30_000, names: 30_000 });
        const last = await second.call('QueryImportedDeviceByApplyId', { ApplyId: jobs[2], PageNo: 200, PageSize: 50 });
        expect(last.DeviceList.device.at(-1)).toEqual({ DeviceName: 'c09999', DeviceSecret: 'secret-9999', ProductKey: productKey, Sn: 'SN_9999' });
      } finally {
        await after.close();
      }
    } finally {
      await database.drop();
    }
  });
});
