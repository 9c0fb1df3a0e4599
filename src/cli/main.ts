import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError, DATABASE_URL_FORMS, loadConfig, type ConfigOverrides } from '../config.ts';
import { openRuntime } from '../runtime.ts';
import { SERVE_ENVIRONMENT_HELP } from './serve-help.ts';
import { coreCliModule } from './core-commands.ts';
import { CLI_MODULES } from '../services/registry.ts';
import { CliError, print, printError } from './output.ts';
import { MasterKeyMismatch } from '../core/master-key-check.ts';
import type { WithApp } from './cli-module.ts';
import { pino } from 'pino';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
/** Scripts asking for --json get errors as JSON too, so commander's own messages must wait for the catch below. */
const json = process.argv.slice(2).includes('--json');

const program = new Command('fleetgate')
  .description('Device provisioning, activation and licensing over the Tencent Cloud and Alibaba Cloud wire protocols')
  .version(version, '-V, --version', 'print the version and exit')
  .option('--data-dir <dir>', 'data directory (SQLite file, key files); env FLEETGATE_DATA_DIR (default ./data)', undefined)
  .option('--database-url <url>', `database; env FLEETGATE_DATABASE_URL (default SQLite in the data dir): ${DATABASE_URL_FORMS}`)
  .option('--redis-url <url>', 'redis://… to share rate limits and nonces between nodes; env FLEETGATE_REDIS_URL (default in memory)')
  .option('--log-level <level>', 'pino level; env FLEETGATE_LOG_LEVEL (default info)')
  // Subcommands inherit these: every command's --help shows the global options too.
  .configureHelp({ showGlobalOptions: true })
  .configureOutput({ writeErr: (text) => (json ? undefined : process.stderr.write(text)) })
  .exitOverride()
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
  .option('--seed <file>', 'emulator fixture (YAML or JSON) applied at start-up and after every reset; env FLEETGATE_SEED_FILE')
  .option('--mqtt-port <port>', 'devices\' MQTT listener, plain TCP (off unless set); env FLEETGATE_MQTT_PORT')
  .option('--mqtt-tls-port <port>', 'devices\' MQTT listener over TLS (off unless set); env FLEETGATE_MQTT_TLS_PORT')
  .option('--lenient-signatures', 'emulator: accept any signature from a known key (never in production); env FLEETGATE_LENIENT_SIGNATURES=1')
  .addHelpText('after', SERVE_ENVIRONMENT_HELP)
  .action(async (options: { host?: string; port?: string; seed?: string; lenientSignatures?: boolean; mqttPort?: string; mqttTlsPort?: string }) => {
    // Loaded on demand: the HTTP server (Fastify, the admin API's schemas) is for `serve` alone, and
    // the bundle keeps it in a chunk of its own that other commands never parse.
    const { serve } = await import('./serve.ts');
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
  if (error instanceof CommanderError) {
    // --help and --version end here with exit code 0; usage mistakes were printed by commander unless --json.
    if (json && error.exitCode !== 0) printError(true, 'InvalidUsage', error.message.replace(/^error: /, ''));
    process.exitCode = error.exitCode;
  } else if (error instanceof CliError || error instanceof ConfigError) {
    printError(json, error.code, error.message);
    process.exitCode = 1;
  } else if (error instanceof MasterKeyMismatch) {
    printError(json, 'MasterKeyMismatch', error.message);
    process.exitCode = 1;
  } else {
    // Not the user's mistake: keep the stack for a bug report.
    printError(json, 'InternalError', json ? (error as Error).message : ((error as Error).stack ?? String(error)));
    process.exitCode = 1;
  }
}
