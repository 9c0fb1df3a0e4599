import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadResult } from './load.ts';
import { startFleetgate, startReference, type ServerProcess } from './serve.ts';
import { fmt, table } from './harness.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_SECONDS = 2;
/** autocannon connections of every gateway comparison. */
export const CONNECTIONS = 50;

export type Drive = (server: ServerProcess, seconds: number) => Promise<LoadResult>;

/**
 * One gateway comparison from start to end: Fleetgate started as `serve` starts it and the bare
 * reference `bench/support/<script>` (given `spec` and the SQLite file), both on `dataDir`;
 * `prepare` checks both answer the measured request alike and returns how to drive a server;
 * the rounds alternate; both processes stop and the data dir goes, whatever happened.
 */
export async function compareWithReference(options: {
  readonly title: string;
  readonly dataDir: string;
  readonly env: Record<string, string>;
  readonly reference: { readonly script: string; readonly spec: Record<string, unknown> };
  /** A PostgreSQL URL both servers use instead of the SQLite file (`spec.database` is then this URL). */
  readonly databaseUrl?: string;
  /** The ratio Fleetgate/reference the issue asks for; 0.75 unless given. */
  readonly target?: number;
  readonly prepare: (servers: { readonly fleetgate: ServerProcess; readonly reference: ServerProcess }) => Promise<Drive>;
}): Promise<void> {
  const { dataDir } = options;
  const { databaseUrl } = options;
  const fleetgate = await startFleetgate(dataDir, databaseUrl ? { ...options.env, FLEETGATE_DATABASE_URL: databaseUrl } : options.env);
  const database = databaseUrl ?? join(dataDir, 'fleetgate.db');
  const reference = await startReference(options.reference.script, { database, ...options.reference.spec }, join(dataDir, 'reference.log'));
  try {
    const drive = await options.prepare({ fleetgate, reference });
    await alternate(
      `${options.title}, ${CONNECTIONS} connections, ${SECONDS} s per round, ${databaseUrl ? 'PostgreSQL' : 'SQLite'}; each server in its own process`,
      { name: 'bare reference', server: reference },
      { name: 'Fleetgate serve', server: fleetgate },
      drive,
      options.target ?? 0.75,
    );
  } finally {
    await reference.stop();
    await fleetgate.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface Contender {
  readonly name: string;
  readonly server: ServerProcess;
}

interface Round {
  readonly target: string;
  readonly result: LoadResult;
  readonly rssMiB: number;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * Warms both servers up, then alternates rounds (reference, Fleetgate, reference, …) so drift on
 * a noisy machine hits both alike; prints every round and the medians: req/s, the ratio, p50/p99
 * and each server process's resident memory after its rounds (the largest seen).
 */
async function alternate(title: string, reference: Contender, fleetgate: Contender, drive: Drive, target: number): Promise<void> {
  await drive(reference.server, WARMUP_SECONDS);
  await drive(fleetgate.server, WARMUP_SECONDS);
  const rounds: Round[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const { name, server } of [reference, fleetgate]) {
      const result = await drive(server, SECONDS);
      rounds.push({ target: name, result, rssMiB: server.rssMiB() });
    }
  }
  console.log(`\n${title}`);
  table(
    rounds.map(({ target, result, rssMiB }) => ({
      target,
      'req/s': fmt(result.requestsPerSecond),
      'p50 ms': fmt(result.p50Ms, 1),
      'p99 ms': fmt(result.p99Ms, 1),
      'RSS MiB': fmt(rssMiB),
      errors: result.errors + result.non2xx,
    })),
  );
  const summary = (name: string) => {
    const mine = rounds.filter((r) => r.target === name);
    return {
      rate: median(mine.map((r) => r.result.requestsPerSecond)),
      p50: median(mine.map((r) => r.result.p50Ms)),
      p99: median(mine.map((r) => r.result.p99Ms)),
      rss: Math.max(...mine.map((r) => r.rssMiB)),
      errors: mine.reduce((sum, r) => sum + r.result.errors + r.result.non2xx, 0),
    };
  };
  const ref = summary(reference.name);
  const fg = summary(fleetgate.name);
  console.log('medians:');
  table([
    { target: reference.name, 'req/s': fmt(ref.rate), 'p50 ms': fmt(ref.p50, 1), 'p99 ms': fmt(ref.p99, 1), 'RSS MiB': fmt(ref.rss) },
    { target: fleetgate.name, 'req/s': fmt(fg.rate), 'p50 ms': fmt(fg.p50, 1), 'p99 ms': fmt(fg.p99, 1), 'RSS MiB': fmt(fg.rss) },
  ]);
  console.log(`ratio Fleetgate/reference = ${(fg.rate / ref.rate).toFixed(2)} (target ≥ ${target})`);
  if (ref.errors + fg.errors > 0) throw new Error(`${ref.errors + fg.errors} requests failed: the comparison is void`);
}
