import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-cli-'));
const env = { FLEETGATE_DATA_DIR: dataDir };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('fleetgate CLI', () => {
  it('migrates an empty data dir and creates key files readable only by their owner', async () => {
    const result = await runCli(['migrate', '--json'], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ migrated: true });
    expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
  });

  it('creates, lists and shows accounts with --json output for scripts', async () => {
    const created = JSON.parse((await runCli(['accounts', 'create', 'acme', '--json'], env)).stdout);
    expect(created.account.name).toBe('acme');
    expect(created.keys[0].keyId).toMatch(/^AKID/);
    const listed = JSON.parse((await runCli(['accounts', 'list', '--json'], env)).stdout);
    expect(listed.accounts.map((a: { name: string }) => a.name)).toContain('acme');
    const shown = JSON.parse((await runCli(['accounts', 'show', created.account.id, '--json'], env)).stdout);
    expect(shown.keys).toHaveLength(2);
    expect(JSON.stringify(shown)).not.toContain(created.keys[0].secret);
  });

  it('creates and disables keys, with readable errors for mistakes', async () => {
    const { account } = JSON.parse((await runCli(['accounts', 'create', 'keys-tenant', '--json'], env)).stdout);
    const key = JSON.parse((await runCli(['keys', 'create', '--account', account.id, '--cloud', 'alibaba', '--json'], env)).stdout);
    expect(key.keyId).toMatch(/^LTAI[A-Za-z0-9]{20}$/);
    const disabled = await runCli(['keys', 'disable', key.keyId, '--account', account.id, '--json'], env);
    expect(JSON.parse(disabled.stdout)).toEqual({ keyId: key.keyId, status: 'disabled' });
    const listed = JSON.parse((await runCli(['keys', 'list', '--account', account.id, '--json'], env)).stdout);
    expect(listed.keys.find((k: { keyId: string }) => k.keyId === key.keyId).status).toBe('disabled');

    const missing = await runCli(['keys', 'list', '--account', '999999999999'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no account 999999999999');
    const taken = await runCli(['accounts', 'create', 'keys-tenant'], env);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('already exists');
  });

  it('disables an account, which then shows as disabled, and names an unknown one', async () => {
    const { account } = JSON.parse((await runCli(['accounts', 'create', 'to-disable', '--json'], env)).stdout);
    const disabled = await runCli(['accounts', 'disable', account.id, '--json'], env);
    expect(disabled.code).toBe(0);
    expect(JSON.parse(disabled.stdout)).toEqual({ ...account, status: 'disabled' });
    const shown = JSON.parse((await runCli(['accounts', 'show', account.id, '--json'], env)).stdout);
    expect(shown.status).toBe('disabled');
    const human = await runCli(['accounts', 'disable', account.id], env);
    expect(human.stdout).toMatch(new RegExp(`^id\\s+name\\s+status\\n${account.id}\\s+to-disable\\s+disabled\\n$`));

    const unknown = await runCli(['accounts', 'disable', '999999999999', '--json'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(JSON.parse(unknown.stderr)).toEqual({ error: { code: 'AccountNotFound', message: 'no account 999999999999' } });
  }, 60_000);

  it('prints its version from package.json', async () => {
    const { version } = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag]);
      expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it('with --json, every failure is one JSON error on stderr with a code, and a non-zero exit', async () => {
    const cases: [string[], string, string][] = [
      [['keys', 'create', '--account', '1', '--json'], 'InvalidUsage', "required option '--cloud <cloud>' not specified"],
      [['keys', 'create', '--account', '1', '--cloud', 'aws', '--json'], 'InvalidUsage', "option '--cloud <cloud>' argument 'aws' is invalid. Allowed choices are tencent, alibaba."],
      [['accounts', 'frobnicate', '--json'], 'InvalidUsage', "unknown command 'frobnicate'"],
      [['keys', 'list', '--account', '999999999999', '--json'], 'AccountNotFound', 'no account 999999999999'],
      [['keys', 'disable', 'AKIDnope', '--account', '999999999999', '--json'], 'KeyNotFound', 'account 999999999999 has no key AKIDnope'],
      [['accounts', 'create', 'acme', '--json'], 'AccountNameTaken', expect.stringContaining('already exists') as unknown as string],
    ];
    for (const [args, code, message] of cases) {
      const result = await runCli(args, env);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stdout).toBe('');
      expect(JSON.parse(result.stderr), args.join(' ')).toEqual({ error: { code, message } });
    }
    const wrongKey = await runCli(['migrate', '--json'], { ...env, FLEETGATE_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') });
    expect(JSON.parse(wrongKey.stderr).error.code).toBe('MasterKeyMismatch');
  }, 120_000);

  it('without --json, a usage mistake is commander\'s message and the help, still exit 1', async () => {
    const result = await runCli(['keys', 'create', '--account', '1'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: required option '--cloud <cloud>' not specified");
    expect(result.stderr).toContain('Usage: fleetgate keys create');
  });

  it('serve --help lists every option, the global ones and the settings read only from the environment', async () => {
    const { code, stdout } = await runCli(['serve', '--help']);
    expect(code).toBe(0);
    for (const option of ['--host', '--port', '--data-dir', '--database-url', '--redis-url', '--log-level', '--version', '--mqtt-port', '--mqtt-tls-port']) expect(stdout).toContain(option);
    for (const variable of [
      'FLEETGATE_HOST',
      'FLEETGATE_PORT',
      'FLEETGATE_DATA_DIR',
      'FLEETGATE_DATABASE_URL',
      'FLEETGATE_REDIS_URL',
      'FLEETGATE_LOG_LEVEL',
      'FLEETGATE_MASTER_KEY',
      'FLEETGATE_ADMIN_TOKEN',
      'FLEETGATE_RATE_LIMIT ',
      'FLEETGATE_RATE_LIMITS',
      'FLEETGATE_TENCENT_SECRET_ID',
      'FLEETGATE_TENCENT_SECRET_KEY',
      'FLEETGATE_ALIBABA_ACCESS_KEY_ID',
      'FLEETGATE_ALIBABA_ACCESS_KEY_SECRET',
      'FLEETGATE_IOTHUB_REGISTER_WINDOW_SECONDS',
      'FLEETGATE_MQTT_PORT',
      'FLEETGATE_MQTT_TLS_PORT',
      'FLEETGATE_MQTT_TLS_KEY_FILE',
      'FLEETGATE_MQTT_TLS_CERT_FILE',
      'FLEETGATE_MQTT_REVALIDATE_SECONDS',
      'FLEETGATE_MQTT_MAX_CONNECTIONS',
      'FLEETGATE_MQTT_CONNECTS_PER_IP',
      'FLEETGATE_MQTT_CONNECT_TIMEOUT_SECONDS',
    ]) {
      expect(stdout).toContain(variable);
    }
  });
});
