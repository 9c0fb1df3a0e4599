import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, closeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../../test/support/ports.ts';
import { cpuSecondsOf } from './proc.ts';

const BIN = resolve(import.meta.dirname, '../../bin/fleetgate.js');

/** A server process the benchmark started: its port, its resident memory, and how to stop it. */
export interface ServerProcess {
  readonly port: number;
  readonly pid: number;
  /** Resident set size now, in MiB (Linux /proc). */
  rssMiB(): number;
  /**
   * CPU time (user + system, all threads) the process has used so far, in seconds (Linux /proc).
   * Per request it is steadier than req/s on a shared machine: waiting for a core costs no CPU.
   */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** With BENCH_CPU_PROF=<dir>, every server process writes a V8 CPU profile there when it stops. */
const profiling = (): string[] => (process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []);

function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m);
  return line ? Number(line[1]) / 1024 : Number.NaN;
}

async function untilListening(port: number, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} before listening`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => true,
      () => false,
    );
    if (ok) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${what} did not listen on ${port} within 30 s`);
}

function wrap(child: ChildProcess, port: number, what: string, out: number): ServerProcess {
  return {
    port,
    pid: child.pid!,
    rssMiB: () => rssOf(child.pid!),
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
      closeSync(out);
      if (child.exitCode !== 0 && child.signalCode === null) throw new Error(`${what} exited with ${child.exitCode}`);
    },
  };
}

/**
 * Starts Fleetgate exactly as a user runs it: `node bin/fleetgate.js serve`, its JSON log (level
 * info, one line per call) on stdout redirected to `<dataDir>/serve.log`, graceful shutdown on
 * SIGTERM. `env` adds FLEETGATE_* settings (master key, rate limits). `port`, the HTTP port, is
 * by default a free one; when env names other ports, take them all at once (freePorts).
 */
export async function startFleetgate(dataDir: string, env: Record<string, string>, port?: number): Promise<ServerProcess> {
  port ??= await freePort();
  const out = openSync(join(dataDir, 'serve.log'), 'a');
  const child = spawn(process.execPath, [...profiling(), BIN, 'serve', '--data-dir', dataDir, '--port', String(port)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', out, 'inherit'],
  });
  await untilListening(port, child, 'fleetgate serve');
  return wrap(child, port, 'fleetgate serve', out);
}

/**
 * Starts a bench/support reference server script in its own process; it gets `spec` (JSON) and
 * the port (by default a free one) as arguments and must answer GET /healthz.
 */
export async function startReference(script: string, spec: unknown, logFile: string, port?: number): Promise<ServerProcess> {
  port ??= await freePort();
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...profiling(), '--import', 'tsx', resolve(import.meta.dirname, script), JSON.stringify(spec), String(port)], {
    stdio: ['ignore', out, 'inherit'],
  });
  await untilListening(port, child, script);
  return wrap(child, port, script, out);
}
