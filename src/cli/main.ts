import { Command } from 'commander';
import { loadConfig, type ConfigOverrides } from '../config.ts';
import { openRuntime } from '../runtime.ts';
import { serve } from './serve.ts';
import { coreCliModule } from './core-commands.ts';
import { CLI_MODULES } from '../services/registry.ts';
import { CliError, print } from './output.ts';
import { MasterKeyMismatch } from '../core/master-key-check.ts';
import type { WithApp } from './cli-module.ts';
import { pino } from 'pino';

const program = new Command('fleetgate')
  .description('Device provisioning, activation and licensing over the Tencent Cloud and Alibaba Cloud wire protocols')
  .option('--data-dir <dir>', 'data directory (SQLite file, key files); env FLEETGATE_DATA_DIR', undefined)
  .option('--database-url <url>', 'postgres://… to use PostgreSQL; env FLEETGATE_DATABASE_URL')
  .option('--redis-url <url>', 'redis://… to share rate limits and nonces between nodes; env FLEETGATE_REDIS_URL')
  .option('--log-level <level>', 'pino level; env FLEETGATE_LOG_LEVEL')
  .showHelpAfterError();

const globals = (): ConfigOverrides => program.opts<ConfigOverrides>();

/** Commands other than `serve` log only warnings, so their stdout stays clean for --json. */
const withApp: WithApp = async (work) => {
  const config = loadConfig(globals());
  const runtime = await openRuntime(config, { logger: pino({ level: 'warn' }, pino.destination(2)) });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
};

program
  .command('serve')
  .description('run the API server (migrates the database first)')
  .option('--host <host>', 'listen address; env FLEETGATE_HOST (default 127.0.0.1)')
  .option('--port <port>', 'listen port; env FLEETGATE_PORT (default 8080)')
  .action(async (options: { host?: string; port?: string }) => {
    await serve(loadConfig({ ...globals(), ...options }));
  });

program
  .command('migrate')
  .description('bring the database schema up to date and exit')
  .option('--json', 'machine-readable output')
  .action((options: { json?: boolean }) =>
    withApp(async () => {
      print(!!options.json, { migrated: true }, [{ status: 'schema is up to date' }]);
    }),
  );

for (const module of [coreCliModule, ...CLI_MODULES]) module(program, withApp);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // A mistake the user can fix is told in a sentence; anything else keeps its stack for a bug report.
  const explained = error instanceof CliError || error instanceof MasterKeyMismatch;
  process.stderr.write(`fleetgate: ${explained ? error.message : (error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
}
