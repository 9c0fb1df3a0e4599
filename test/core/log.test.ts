import { constants, mkdtempSync, openSync, readFileSync, readSync, rmSync, closeSync } from 'node:fs';
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

/** A FIFO in the test's directory: a pipe fd to log on, and everything written to it so far. */
function fifo(): { readonly fd: number; read(): string; close(): void } {
  const path = join(dir, 'log.fifo');
  expect(spawnSync('mkfifo', [path]).status).toBe(0);
  // The reading end first, without blocking, so that opening the writing end does not wait.
  const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(path, 'w');
  let seen = '';
  const chunk = Buffer.alloc(65_536);
  return {
    fd: writer,
    read() {
      for (;;) {
        try {
          const n = readSync(reader, chunk);
          if (n === 0) return seen;
          seen += chunk.toString('utf8', 0, n);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return seen;
          throw error;
        }
      }
    },
    close() {
      closeSync(writer);
      closeSync(reader);
    },
  };
}

describe('the server log says when a call’s line is written', () => {
  it('on a regular file, writes each line as it is logged: it is in the file when write returns', async () => {
    const log = openLog('info', { service: 'fleetgate' }, fd);
    log.write(call({ requestId: 'a' }));
    expect(lines().map((line) => JSON.parse(line).requestId)).toEqual(['a']);
    log.logger.info('between');
    log.write(call({ requestId: 'b' }));
    expect(lines().map((line) => JSON.parse(line).requestId ?? JSON.parse(line).msg)).toEqual(['a', 'between', 'b']);
    await log.written();
  });

  it('on a pipe, resolves written() only once the lines given so far are in the pipe, in order', async () => {
    const pipe = fifo();
    try {
      const log = openLog('info', { service: 'fleetgate' }, pipe.fd);
      log.write(call({ requestId: 'a' }));
      log.logger.info('between');
      log.write(call({ requestId: 'b' }));
      let done = false;
      const written = log.written().then(() => (done = true));
      await Promise.resolve();
      expect(done).toBe(false);
      await written;
      const read = () => pipe.read().split('\n').filter(Boolean);
      expect(read().map((line) => JSON.parse(line).requestId ?? JSON.parse(line).msg)).toEqual(['a', 'between', 'b']);
      // Nothing pending: resolved at once.
      await log.written();
      expect(read()).toHaveLength(3);
    } finally {
      pipe.close();
    }
  });

  it.each(['file', 'pipe'])('on a %s, lets each waiter go once its own line is written, lines given meanwhile included', async (kind) => {
    const pipe = kind === 'pipe' ? fifo() : undefined;
    const written = () => (pipe ? pipe.read() : readFileSync(file(), 'utf8')).split('\n').filter(Boolean);
    try {
      const log = openLog('info', { service: 'fleetgate' }, pipe?.fd ?? fd);
      const seen: string[][] = [];
      for (let i = 0; i < 50; i++) {
        log.write(call({ requestId: String(i) }));
        const expected = String(i);
        void log.written().then(() => seen.push(written().map((line) => JSON.parse(line).requestId as string).filter((id) => id === expected)));
        if (i % 7 === 0) await nextTurn();
      }
      await log.written();
      await nextTurn();
      expect(seen).toHaveLength(50);
      for (const found of seen) expect(found).toHaveLength(1);
    } finally {
      pipe?.close();
    }
  });

  it('on a regular file, does not hold callers once the file cannot be written', async () => {
    const own = openSync(join(dir, 'closed.jsonl'), 'a');
    const log = openLog('info', { service: 'fleetgate' }, own);
    log.write(call({ requestId: 'before' }));
    closeSync(own);
    log.write(call({ requestId: 'after' }));
    await expect(Promise.race([log.written().then(() => 'released'), new Promise((done) => setTimeout(() => done('held'), 2000))])).resolves.toBe('released');
    expect(readFileSync(join(dir, 'closed.jsonl'), 'utf8')).toContain('"requestId":"before"');
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

  it.each(['file', 'pipe'])('on a %s, writes every line still pending when the process exits in the same turn', (kind) => {
    const script = `
      import { openLog } from ${JSON.stringify(resolve(import.meta.dirname, '../../src/core/log.ts'))};
      // fd 3 of the child is the log.
      const log = openLog('info', { service: 'fleetgate' }, 3);
      for (let i = 0; i < 1000; i++) log.write({ requestId: String(i), cloud: 'tencent', account: 'a', product: 'mna', action: 'X', code: 'Success', latencyMs: 1 });
      process.exit(0);
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'inherit', 'inherit', kind === 'pipe' ? 'pipe' : fd], encoding: 'utf8' });
    expect(child.status).toBe(0);
    const written = kind === 'pipe' ? String(child.output[3]).split('\n').filter(Boolean) : lines();
    // pino's exit flush may write the pending lines before the one already in flight: every line, in any order.
    expect(written.map((line) => Number(JSON.parse(line).requestId)).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});
