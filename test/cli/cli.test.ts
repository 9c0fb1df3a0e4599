import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
