import { ConfigError, type Config } from '../config.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import { buildServer } from '../server.ts';
import { trackInFlight } from '../graceful-shutdown.ts';
import { BACKGROUND_WORKERS } from '../services/registry.ts';

/** `serve --help` lists the settings that have no flag after the options. */
export const SERVE_ENVIRONMENT_HELP = `
Settings read only from the environment:
  FLEETGATE_MASTER_KEY                 32-byte key (base64 or 64 hex digits) sealing secrets at rest
                                       (default: generated <data dir>/master.key)
  FLEETGATE_ADMIN_TOKEN                admin API bearer token (default: generated <data dir>/admin.token)
  FLEETGATE_RATE_LIMIT                 Tencent requests per second per account per action (default 20)
  FLEETGATE_RATE_LIMITS                overrides, e.g. tencent.mna:GetHardwareInfo=100,alibaba.iot:*=500
  FLEETGATE_TENCENT_SECRET_ID          the default account's Tencent key pair, applied on the first
  FLEETGATE_TENCENT_SECRET_KEY         start only (set both or neither)
  FLEETGATE_ALIBABA_ACCESS_KEY_ID      the default account's Alibaba key pair, applied on the first
  FLEETGATE_ALIBABA_ACCESS_KEY_SECRET  start only (set both or neither)
`;

/** Starts the server and stops it gracefully on SIGTERM/SIGINT, finishing in-flight requests. */
export async function serve(config: Config): Promise<void> {
  const runtime = await openRuntime(config, { serving: true });
  announceFirstStart(runtime);
  const app = await buildServer(runtime);
  const inFlight = trackInFlight(app);
  let address: string;
  try {
    address = await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    // A taken port must end the process, not leave it idling with an open database.
    await app.close();
    await runtime.close();
    throw new ConfigError(`cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`, 'ListenFailed');
  }
  const workers = BACKGROUND_WORKERS.map((start) => start(runtime));
  runtime.logger.info({ address, database: runtime.store.dialect, redis: !!config.redisUrl }, 'fleetgate is serving');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    runtime.logger.info({ signal }, 'shutting down: finishing in-flight requests');
    await inFlight.drain();
    await app.close();
    await Promise.all(workers.map((worker) => worker.stop()));
    await runtime.close();
    process.exit(0);
  };
  // Kept listening after the first signal: Ctrl-C on `npm start` reaches the server twice (from the
  // terminal and forwarded by npm), and a second signal must not cut the drain short.
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
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
