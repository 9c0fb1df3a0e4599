import { mkdtempSync, openSync, readFileSync, rmSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
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

describe('the server log says when a call’s line is written', () => {
  it('resolves written() only once the lines given so far are in the file, in order', async () => {
    const log = openLog('info', { service: 'fleetgate' }, fd);
    log.write(call({ requestId: 'a' }));
    log.logger.info('between');
    log.write(call({ requestId: 'b' }));
    let done = false;
    const written = log.written().then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    await written;
    expect(lines().map((line) => JSON.parse(line).requestId ?? JSON.parse(line).msg)).toEqual(['a', 'between', 'b']);
    // Nothing pending: resolved at once.
    await log.written();
    expect(lines()).toHaveLength(3);
  });

  it('lets each waiter go once its own line is written, lines given meanwhile included', async () => {
    const log = openLog('info', { service: 'fleetgate' }, fd);
    const seen: string[][] = [];
    for (let i = 0; i < 50; i++) {
      log.write(call({ requestId: String(i) }));
      const expected = String(i);
      void log.written().then(() => seen.push(lines().map((line) => JSON.parse(line).requestId as string).filter((id) => id === expected)));
      if (i % 7 === 0) await nextTurn();
    }
    await log.written();
    await nextTurn();
    expect(seen).toHaveLength(50);
    for (const found of seen) expect(found).toHaveLength(1);
  });

  it('does not hold callers when the log cannot be written', async () => {
    const log = openLog('info', { service: 'fleetgate' }, 987_654);
    log.write(call());
    await expect(Promise.race([log.written().then(() => 'released'), new Promise((done) => setTimeout(() => done('held'), 2000))])).resolves.toBe('released');
  });

  it('keeps the event loop running while the reader of its output stalls', async () => {
    const script = `
      import { openLog } from ${JSON.stringify(resolve(import.meta.dirname, '../../src/core/log.ts'))};
      const log = openLog('info', { service: 'fleetgate' }, 1);
      let last = Date.now(), longest = 0, ticks = 0;
      const timer = setInterval(() => {
        const now = Date.now();
        longest = Math.max(longest, now - last);
        last = now;
        log.write({ requestId: 'x'.repeat(2048), cloud: 'tencent', account: 'a', product: 'mna', action: 'X', code: 'Success', latencyMs: 1 });
        if (++ticks === 300) { clearInterval(timer); process.stderr.write(String(longest)); }
      }, 5);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let longest = '';
    child.stderr.on('data', (chunk: Buffer) => (longest += chunk.toString()));
    // Nobody reads the child's stdout for 1.5 s: its pipe (64 KiB) fills after ~30 lines.
    child.stdout.pause();
    await new Promise((done) => setTimeout(done, 1500));
    child.stdout.resume();
    await new Promise((done) => child.on('close', done));
    expect(Number(longest)).toBeLessThan(500);
  });

  it('writes every line still pending when the process exits in the same turn', () => {
    const script = `
      import { openLog } from ${JSON.stringify(resolve(import.meta.dirname, '../../src/core/log.ts'))};
      // fd 3 of the child is the log file.
      const log = openLog('info', { service: 'fleetgate' }, 3);
      for (let i = 0; i < 1000; i++) log.write({ requestId: String(i), cloud: 'tencent', account: 'a', product: 'mna', action: 'X', code: 'Success', latencyMs: 1 });
      process.exit(0);
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'inherit', 'inherit', fd], encoding: 'utf8' });
    expect(child.status).toBe(0);
    // pino's exit flush may write the pending lines before the one already in flight: every line, in any order.
    expect(lines().map((line) => Number(JSON.parse(line).requestId)).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});
