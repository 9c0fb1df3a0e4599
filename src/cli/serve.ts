import { ConfigError, type Config } from '../config.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import { buildServer } from '../server.ts';
import { trackInFlight } from '../graceful-shutdown.ts';
import { BACKGROUND_WORKERS } from '../services/registry.ts';

/** Signals closer together than this are one request to stop, delivered twice. */
const DUPLICATE_SIGNAL_WINDOW_MS = 1000;

/**
 * Starts the server and stops it gracefully: /readyz reports draining, the listener closes (after
 * the configured grace on SIGTERM, which orchestrators send; at once on SIGINT, an operator's
 * Ctrl-C), in-flight requests finish, then the process exits. A later second signal ends the
 * process at once.
 */
export async function serve(config: Config): Promise<void> {
  const runtime = await openRuntime(config, { serving: true });
  announceFirstStart(runtime);
  if (config.lenientSignatures) warnLenient(runtime);
  const app = await buildServer(runtime, { isDraining: () => inFlight.draining });
  const inFlight = trackInFlight(app);
  let address: string;
  try {
    address = await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    // A taken port must end the process, not leave it idling with an open database.
    await app.close();
    await runtime.close();
    // The MQTT listener names its own ports.
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`, 'ListenFailed');
  }
  const workers = BACKGROUND_WORKERS.map((start) => start(runtime));
  runtime.logger.info({ address, database: runtime.store.dialect, redis: !!config.redisUrl }, 'fleetgate is serving');

  let stoppingSince: number | undefined;
  const stop = async (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      // Ctrl-C on `npm start` arrives twice at once (from the terminal and forwarded by npm): only
      // a signal sent well after the first one means "stop now".
      if (Date.now() - stoppingSince < DUPLICATE_SIGNAL_WINDOW_MS) return;
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    stoppingSince = Date.now();
    const graceMs = signal === 'SIGTERM' ? config.shutdownGraceMs : 0;
    runtime.logger.info({ signal, graceMs }, 'shutting down: /readyz reports draining; the listener closes after the grace');
    await inFlight.drain(graceMs);
    await app.close();
    await Promise.all(workers.map((worker) => worker.stop()));
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGTERM', (signal) => void stop(signal));
  process.on('SIGINT', (signal) => void stop(signal));
}

/** Lenient mode turns authentication into a formality: say so where nobody can miss it. */
function warnLenient(runtime: Runtime): void {
  runtime.logger.warn('LENIENT SIGNATURES ON: any signature from a known key is accepted (emulator only; never in production)');
  process.stderr.write('WARNING: lenient signatures are on: requests are accepted with any signature from a known key. Never expose this server.\n');
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
