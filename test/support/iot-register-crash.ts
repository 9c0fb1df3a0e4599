import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dialect } from '../../src/storage/database.ts';
import { openStore } from '../../src/storage/database.ts';
import { startServing, type ServingProcess } from './cli.ts';
import { freshPostgresSchema } from './databases.ts';
import { alibabaClient, type AlibabaClient, type Body } from './alibaba-harness.ts';
import type { TestAccount, TestServer } from './server.ts';

/** What a BatchRegisterDevice run interrupted by kill -9 looked like, as the caller checks it. */
export interface CrashOutcome {
  /** Devices the killed server had committed (the applies' progress in the database). */
  readonly createdAtKill: number;
  /** Each apply's final QueryBatchRegisterDeviceStatus Data, in submission order. */
  readonly statuses: readonly Body[];
  /** QueryProduct DeviceCount after the restart. */
  readonly deviceCount: number;
  /** Rows in iot_devices for the product, and distinct names among them. */
  readonly stored: { readonly devices: number; readonly names: number };
  /** Per apply: times its job was taken over, and whether a lease is still held. */
  readonly jobs: readonly { readonly attempts: number; readonly leased: boolean }[];
  /** From the restart's first status query until every apply had finished. */
  readonly resumeMs: number;
  /** The last device QueryPageByApplyId lists for the last apply, and its DeviceSecret per QueryDeviceInfo. */
  readonly lastListed: { readonly listed: Body; readonly secret: string };
}

// A served process answers like a test server for the SDK clients: they need its url and endpoint.
const client = (serving: ServingProcess, who: TestAccount): AlibabaClient => alibabaClient('pop-core POST', serving as unknown as TestServer, who);

async function finalStatus(api: AlibabaClient, productKey: string, applyId: number): Promise<Body> {
  for (;;) {
    const status = (await api.call('QueryBatchRegisterDeviceStatus', { ProductKey: productKey, ApplyId: applyId })).Data as Body;
    if (status.Status !== 'CREATE') return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * `fleetgate serve` as a child process: `calls` BatchRegisterDevice calls of `count` devices, the
 * process killed with SIGKILL as soon as the first devices exist, a new process started on the
 * same database, and every apply followed to its end. Used by the crash test (small) and the
 * iot-register benchmark (the 50,000).
 */
export async function batchRegisterAcrossKill(dialect: Dialect, calls: number, count: number): Promise<CrashOutcome> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-iot-crash-'));
  const schema = dialect === 'postgres' ? await freshPostgresSchema() : undefined;
  const location = schema?.url ?? join(dataDir, 'fleetgate.db');
  // The first start creates the default account with these keys: no CLI process needed for one.
  const owner: TestAccount = {
    id: 'default',
    alibaba: { accessKeyId: `LTAIcrash${randomBytes(6).toString('hex')}`, accessKeySecret: randomBytes(15).toString('base64') },
    tencent: { secretId: '', secretKey: '' },
  };
  const env = {
    FLEETGATE_DATA_DIR: dataDir,
    FLEETGATE_MASTER_KEY: randomBytes(32).toString('base64'),
    FLEETGATE_ALIBABA_ACCESS_KEY_ID: owner.alibaba.accessKeyId,
    FLEETGATE_ALIBABA_ACCESS_KEY_SECRET: owner.alibaba.accessKeySecret,
    ...(schema ? { FLEETGATE_DATABASE_URL: schema.url } : {}),
  };
  const processes: ServingProcess[] = [];
  const serve = async () => {
    const serving = await startServing([], env);
    processes.push(serving);
    return serving;
  };
  try {
    const killed = await serve();
    const first = client(killed, owner);
    const productKey = (await first.call('CreateProduct', { ProductName: 'crash_product', NodeType: 0 })).ProductKey as string;
    const applies: number[] = [];
    for (let i = 0; i < calls; i++) applies.push((await first.call('BatchRegisterDevice', { ProductKey: productKey, Count: count })).Data.ApplyId);
    while (((await first.call('QueryProduct', { ProductKey: productKey })).Data.DeviceCount as number) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    killed.child.kill('SIGKILL');
    if (killed.child.exitCode === null && killed.child.signalCode === null) await once(killed.child, 'exit');
    if (killed.child.signalCode !== 'SIGKILL') throw new Error(`the server ended with ${killed.child.exitCode ?? killed.child.signalCode}, not SIGKILL`);

    const between = openStore({ location });
    const atKill = await between.db.selectFrom('iot_import_jobs').select('next_seq').where('product_key', '=', productKey).execute();
    await between.close();

    const second = client(await serve(), owner);
    const started = performance.now();
    const statuses: Body[] = [];
    for (const applyId of applies) statuses.push(await finalStatus(second, productKey, applyId));
    const resumeMs = performance.now() - started;
    const deviceCount = (await second.call('QueryProduct', { ProductKey: productKey })).Data.DeviceCount as number;
    const lastPage = await second.call('QueryPageByApplyId', { ApplyId: applies.at(-1), CurrentPage: Math.ceil(count / 50), PageSize: 50 });
    const listed = lastPage.ApplyDeviceList.ApplyDeviceInfo.at(-1) as Body;
    const secret = (await second.call('QueryDeviceInfo', { IotId: listed.IotId })).Data.DeviceSecret as string;

    const after = openStore({ location });
    try {
      const stored = await after.db
        .selectFrom('iot_devices')
        .select((eb) => [eb.fn.countAll<number>().as('devices'), eb.fn.count<number>('device_name').distinct().as('names')])
        .where('product_key', '=', productKey)
        .executeTakeFirstOrThrow();
      const jobs = await after.db.selectFrom('iot_import_jobs').select(['apply_id', 'attempts', 'lease_owner']).where('product_key', '=', productKey).execute();
      return {
        createdAtKill: atKill.reduce((sum, job) => sum + job.next_seq, 0),
        statuses,
        deviceCount,
        stored: { devices: Number(stored.devices), names: Number(stored.names) },
        jobs: jobs.map((job) => ({ attempts: job.attempts, leased: job.lease_owner !== null })),
        resumeMs,
        lastListed: { listed, secret },
      };
    } finally {
      await after.close();
    }
  } finally {
    for (const serving of processes) if (serving.child.exitCode === null && serving.child.signalCode === null) serving.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    await schema?.drop();
  }
}
