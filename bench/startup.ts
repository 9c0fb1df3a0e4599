/**
 * Start-up, before and after compiling: how long `fleetgate serve` takes from spawn to its first
 * answered request (GET /readyz → 200), and the wall time of a CLI command (`accounts list --json`,
 * which opens and migrates-checks the database), each run BENCH_STARTUP_RUNS times (default 7) in a
 * fresh process, alternating the two ways of running:
 *   - source: `node --import tsx src/cli/main.ts`, how bin/fleetgate.js ran before the build step;
 *   - built: `node bin/fleetgate.js`, the bundle `npm run build` writes (npm run bench builds first).
 * Both open the same SQLite data directory, migrated once beforehand, so neither pays first-start work.
 *   npm run bench -- startup
 */
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from '../test/support/ports.ts';
import { fmt, table } from './support/harness.ts';
import { benchDataDir, seed } from './support/seed.ts';

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 7);
const root = resolve(import.meta.dirname, '..');
const WAYS = {
  source: ['--import', import.meta.resolve('tsx'), resolve(root, 'src/cli/main.ts')],
  built: [resolve(root, 'bin/fleetgate.js')],
} as const;
type Way = keyof typeof WAYS;

const { dataDir, env } = benchDataDir();
const childEnv = { ...process.env, ...env, FLEETGATE_DATA_DIR: dataDir, FLEETGATE_LOG_LEVEL: 'warn' };

async function firstAnswerMs(way: Way): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...WAYS[way], 'serve', '--port', String(port)], { env: childEnv, stdio: 'ignore' });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`serve (${way}) exited with ${child.exitCode}`);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.status === 200, () => false);
      if (ready) return performance.now() - started;
      if (performance.now() - started > 30_000) throw new Error(`serve (${way}) did not answer within 30 s`);
      // Short enough that polling adds at most a few milliseconds to the figure.
      await new Promise((done) => setTimeout(done, 5));
    }
  } finally {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGINT');
    await exited;
  }
}

function cliMs(way: Way): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [...WAYS[way], 'accounts', 'list', '--json'], { env: childEnv, encoding: 'utf8' });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`accounts list (${way}) exited with ${result.status}: ${result.stderr}`);
  return elapsed;
}

const summary = (what: string, way: Way, samples: number[]): Record<string, string> => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    measure: what,
    way,
    runs: String(sorted.length),
    'min ms': fmt(sorted[0]!),
    'median ms': fmt(sorted[Math.floor(sorted.length / 2)]!),
    'max ms': fmt(sorted.at(-1)!),
  };
};

try {
  await seed(dataDir, env, async () => undefined);
  const serveMs: Record<Way, number[]> = { source: [], built: [] };
  const commandMs: Record<Way, number[]> = { source: [], built: [] };
  for (let run = 0; run < RUNS; run++) {
    for (const way of ['source', 'built'] as const) {
      serveMs[way].push(await firstAnswerMs(way));
      commandMs[way].push(cliMs(way));
    }
  }
  console.log(`Start-up on SQLite, ${RUNS} runs each, alternating; node ${process.version}`);
  table([
    summary('serve: spawn → first /readyz 200', 'source', serveMs.source),
    summary('serve: spawn → first /readyz 200', 'built', serveMs.built),
    summary('CLI: accounts list --json', 'source', commandMs.source),
    summary('CLI: accounts list --json', 'built', commandMs.built),
  ]);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
