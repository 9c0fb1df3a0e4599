import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { openRuntime, type Runtime } from '../../src/runtime.ts';

/** A fresh data directory and the environment `serve` needs to open it: master key, admin token, rate limits out of the way. */
export function benchDataDir(): { dataDir: string; env: Record<string, string> } {
  return {
    dataDir: mkdtempSync(join(tmpdir(), 'fleetgate-bench-')),
    env: {
      FLEETGATE_MASTER_KEY: randomBytes(32).toString('base64'),
      FLEETGATE_ADMIN_TOKEN: 'bench',
      FLEETGATE_RATE_LIMIT: '1000000000',
      FLEETGATE_RATE_LIMITS: 'alibaba.iot:*=1000000000',
    },
  };
}

/** Opens the data directory as a CLI command would (migrated, no server), runs `work`, closes it. */
export async function seed<T>(dataDir: string, env: Record<string, string>, work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await openRuntime(loadConfig({ dataDir }, env));
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}
