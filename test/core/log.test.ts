import { mkdtempSync, openSync, readFileSync, rmSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLog, type CallLine } from '../../src/core/log.ts';

let dir: string;
let fd: number;
const file = () => join(dir, 'log.jsonl');
const lines = () => readFileSync(file(), 'utf8').split('\n').filter(Boolean);
const nextTurn = () => new Promise((done) => setImmediate(done));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleetgate-log-'));
  fd = openSync(file(), 'a');
});
afterEach(() => {
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
});

const call = (overrides: Partial<CallLine> = {}): CallLine => ({
  requestId: '3f1c7f3e-1d2b-4c4e-9a51-0d6c1b0a9b1e',
  cloud: 'tencent',
  account: 'acc-1',
  product: 'mna',
  action: 'GetHardwareInfo',
  code: 'Success',
  latencyMs: 0.123,
  ...overrides,
});

describe('API call log lines', () => {
  it('are one JSON line per call with its fields, an unknown account left out', async () => {
    const log = openLog('info', { service: 'fleetgate' }, fd);
    log.write(call());
    log.write(call({ account: undefined, product: '-', action: 'Made"Up\\Action\u0000\n', code: 'AuthFailure.SignatureFailure', latencyMs: 12 }));
    await log.written();
    const [first, second] = lines().map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).toMatchObject({ level: 30, service: 'fleetgate', requestId: call().requestId, cloud: 'tencent', account: 'acc-1', product: 'mna', action: 'GetHardwareInfo', code: 'Success', latencyMs: 0.123, msg: 'api call' });
    expect(second).toMatchObject({ action: 'Made"Up\\Action\u0000\n', code: 'AuthFailure.SignatureFailure', msg: 'api call' });
    expect(second).not.toHaveProperty('account');
  });

  it('are left out below the logger level', async () => {
    const log = openLog('warn', { service: 'fleetgate' }, fd);
    log.write(call());
    log.logger.warn('kept');
    await log.written();
    expect(lines().map((line) => JSON.parse(line).msg)).toEqual(['kept']);
  });
});

describe('the log written once per event-loop turn', () => {
  it('writes a turn’s lines together as it ends, and says when they are written', async () => {
    const log = openLog('info', { service: 'fleetgate' }, fd);
    log.write(call({ requestId: 'a' }));
    log.logger.info('between');
    log.write(call({ requestId: 'b' }));
    expect(readFileSync(file(), 'utf8')).toBe('');
    let done = false;
    const written = log.written().then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    await written;
    expect(lines().map((line) => JSON.parse(line).requestId ?? JSON.parse(line).msg)).toEqual(['a', 'between', 'b']);
    await nextTurn();
    // Nothing pending: written at once.
    await log.written();
    expect(lines()).toHaveLength(3);
  });

  it('writes every line still gathered when the process exits in the same turn', () => {
    const script = `
      import { openLog } from ${JSON.stringify(resolve(import.meta.dirname, '../../src/core/log.ts'))};
      // fd 3 of the child is the log file.
      const log = openLog('info', { service: 'fleetgate' }, 3);
      for (let i = 0; i < 1000; i++) log.write({ requestId: String(i), cloud: 'tencent', account: 'a', product: 'mna', action: 'X', code: 'Success', latencyMs: 1 });
      process.exit(0);
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'inherit', 'inherit', fd], encoding: 'utf8' });
    expect(child.status).toBe(0);
    expect(lines().map((line) => JSON.parse(line).requestId)).toEqual(Array.from({ length: 1000 }, (_, i) => String(i)));
  });
});
