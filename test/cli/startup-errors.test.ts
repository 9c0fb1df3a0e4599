import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { POSTGRES_URL } from '../support/databases.ts';
import { freePort } from '../support/ports.ts';

const scratch = mkdtempSync(join(tmpdir(), 'fleetgate-startup-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const fresh = (name: string) => join(scratch, name);

/** Runs `fleetgate serve` that must refuse to start: exit 1 and exactly one stderr line, without a stack. */
async function refusal(args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const result = await runCli(['serve', '--port', '0', ...args], env);
  expect(result.code, result.stderr).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

describe('mistakes a user can make at start: one clear line, exit 1', () => {
  it('an unreachable Redis names Redis and its URL without the password', async () => {
    const port = await freePort();
    const line = await refusal(['--data-dir', fresh('redis'), '--redis-url', `redis://:hunter2@127.0.0.1:${port}/0`]);
    expect(line).toBe(`fleetgate: cannot reach Redis at redis://127.0.0.1:${port}/0: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('an unreachable PostgreSQL names PostgreSQL and its URL without the password', async () => {
    const port = await freePort();
    const line = await refusal(['--data-dir', fresh('pg'), '--database-url', `postgres://fleet:hunter2@127.0.0.1:${port}/fleet`]);
    expect(line).toBe(`fleetgate: cannot reach PostgreSQL at postgres://fleet@127.0.0.1:${port}/fleet: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('a database URL of no accepted form is refused before anything is created', async () => {
    const line = await refusal(['--data-dir', fresh('typo')], { FLEETGATE_DATABASE_URL: 'notaurl' });
    expect(line).toMatch(/^fleetgate: FLEETGATE_DATABASE_URL \/ --database-url "notaurl" is not a database URL; use postgres:\/\//);
    const misspelt = await refusal(['--data-dir', fresh('typo')], { FLEETGATE_DATABASE_URL: `${POSTGRES_URL.replace('postgres', 'postgress')}` });
    expect(misspelt).toContain('is not a database URL');
    expect(misspelt).not.toContain('directory does not exist');
  });

  it('a bad port, Redis URL, master key or rate limit table', async () => {
    expect(await refusal(['--port', '70000'])).toBe('fleetgate: invalid port "70000": expected a number from 0 to 65535');
    expect(await refusal(['--redis-url', 'cache:6379'])).toMatch(/^fleetgate: FLEETGATE_REDIS_URL \/ --redis-url "cache:6379" is not a Redis URL/);
    expect(await refusal(['--data-dir', fresh('key')], { FLEETGATE_MASTER_KEY: 'c2hvcnQ=' })).toBe(
      'fleetgate: FLEETGATE_MASTER_KEY must hold a 32-byte key, given as base64 or 64 hex digits (it holds 5 bytes)',
    );
    expect(await refusal(['--data-dir', fresh('limits')], { FLEETGATE_RATE_LIMITS: 'mna:GetHardwareInfo=fast' })).toMatch(/^fleetgate: FLEETGATE_RATE_LIMITS: cannot read "mna:GetHardwareInfo=fast"/);
    expect(await refusal(['--data-dir', fresh('half')], { FLEETGATE_ALIBABA_ACCESS_KEY_ID: 'LTAIhalfAPair0000000001' })).toBe(
      'fleetgate: FLEETGATE_ALIBABA_ACCESS_KEY_ID is set but FLEETGATE_ALIBABA_ACCESS_KEY_SECRET is not: pin both halves of the key pair or neither',
    );
  }, 90_000);

  it('a data dir that is a file, or lies under one', async () => {
    const file = fresh('plain-file');
    writeFileSync(file, 'not a directory');
    expect(await refusal(['--data-dir', file])).toBe(`fleetgate: data dir ${file} is a file, not a directory`);
    expect(await refusal(['--data-dir', join(file, 'sub')])).toBe(`fleetgate: data dir ${join(file, 'sub')} cannot be created: ${file} is a file`);
  });

  it.skipIf(process.getuid?.() === 0)('a data dir this user cannot write (root writes anywhere, so only for other users)', async () => {
    const locked = fresh('locked');
    mkdirSync(locked, { mode: 0o500 });
    chmodSync(locked, 0o500);
    // Nothing is checked ahead: the first file the start must create says why it cannot.
    expect(await refusal(['--data-dir', locked])).toMatch(/^fleetgate: cannot create .*master\.key: EACCES/);
  });

  it('a data dir on a pseudo-filesystem is refused at once instead of hanging in mkdir', async () => {
    const started = Date.now();
    expect(await refusal(['--data-dir', '/proc/fleetgate'])).toBe('fleetgate: data dir /proc/fleetgate is on the proc pseudo-filesystem: choose a directory on a disk');
    expect(await refusal(['--data-dir', '/sys/fleetgate/data'])).toBe('fleetgate: data dir /sys/fleetgate/data is on the sysfs pseudo-filesystem: choose a directory on a disk');
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 20_000);

  it('a taken port ends the process (not left idling with an open database) and names the address', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = blocker.address() as { port: number };
      const result = await runCli(['serve', '--port', String(port), '--data-dir', fresh('taken'), '--log-level', 'silent']);
      expect(result.code).toBe(1);
      expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(`fleetgate: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
    } finally {
      blocker.close();
    }
  });

  it('a taken MQTT port ends the process too and names the MQTT address', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = blocker.address() as { port: number };
      const result = await runCli(['serve', '--port', '0', '--mqtt-port', String(port), '--data-dir', fresh('mqtt-taken'), '--log-level', 'silent']);
      expect(result.code).toBe(1);
      expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(`fleetgate: cannot listen for MQTT on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
    } finally {
      blocker.close();
    }
  });

  it('with --json, the same mistakes are one JSON error on stderr with a code', async () => {
    const result = await runCli(['migrate', '--json', '--data-dir', '/proc/fleetgate']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stderr)).toEqual({
      error: { code: 'DataDirUnusable', message: 'data dir /proc/fleetgate is on the proc pseudo-filesystem: choose a directory on a disk' },
    });
    const port = await freePort();
    const redis = await runCli(['migrate', '--json', '--data-dir', fresh('json-redis'), '--redis-url', `redis://127.0.0.1:${port}`]);
    expect(JSON.parse(redis.stderr).error.code).toBe('RedisUnreachable');
  });
});
