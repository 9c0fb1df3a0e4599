import type { Config } from '../config.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import { buildServer } from '../server.ts';
import { trackInFlight } from '../graceful-shutdown.ts';
import { BACKGROUND_WORKERS } from '../services/registry.ts';

/**
 * Starts the server and stops it gracefully on SIGTERM/SIGINT: /readyz reports draining, the
 * listener closes after the configured grace, in-flight requests finish, then the process exits.
 * A second signal ends the process at once.
 */
export async function serve(config: Config): Promise<void> {
  const runtime = await openRuntime(config, { serving: true });
  announceFirstStart(runtime);
  const app = await buildServer(runtime, { isDraining: () => inFlight.draining });
  const inFlight = trackInFlight(app);
  let address: string;
  try {
    address = await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    // A taken port must end the process, not leave it idling with an open database.
    await app.close();
    await runtime.close();
    throw error;
  }
  const workers = BACKGROUND_WORKERS.map((start) => start(runtime));
  runtime.logger.info({ address, database: runtime.store.dialect, redis: !!config.redisUrl }, 'fleetgate is serving');

  const stop = async (signal: NodeJS.Signals) => {
    // A second signal, of either kind, gets Node's default: the process ends at once.
    process.removeListener('SIGTERM', stop);
    process.removeListener('SIGINT', stop);
    runtime.logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: /readyz reports draining; the listener closes after the grace');
    await inFlight.drain(config.shutdownGraceMs);
    await app.close();
    await Promise.all(workers.map((worker) => worker.stop()));
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Credentials and the admin token appear once, on stderr, never in the JSON log. */
function announceFirstStart(runtime: Runtime): void {
  const lines: string[] = [];
  if (runtime.bootstrap) {
    const [tencent, alibaba] = runtime.bootstrap.keys;
    lines.push(
      `Created the default account ${runtime.bootstrap.account.id}. These secrets are shown only now:`,
      `  Tencent  SecretId=${tencent.keyId}  SecretKey=${tencent.secret}`,
      `  Alibaba  AccessKeyId=${alibaba.keyId}  AccessKeySecret=${alibaba.secret}`,
    );
  }
  if (runtime.adminTokenCreated) {
    lines.push(`Admin API token (also in ${runtime.config.dataDir}/admin.token, mode 0600): ${runtime.adminToken}`);
  }
  if (lines.length) process.stderr.write(`${lines.join('\n')}\n`);
}
