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
  /** The server process's CPU time over the round per response, in µs. */
  readonly cpuMicrosPerRequest: number;
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
  const warmups = [await drive(reference.server, WARMUP_SECONDS), await drive(fleetgate.server, WARMUP_SECONDS)];
  const rounds: Round[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const { name, server } of [reference, fleetgate]) {
      const cpuBefore = server.cpuSeconds();
      const result = await drive(server, SECONDS);
      const cpuMicrosPerRequest = ((server.cpuSeconds() - cpuBefore) * 1e6) / result.requests;
      rounds.push({ target: name, result, rssMiB: server.rssMiB(), cpuMicrosPerRequest });
    }
  }
  console.log(`\n${title}`);
  table(
    rounds.map(({ target, result, rssMiB, cpuMicrosPerRequest }) => ({
      target,
      'req/s': fmt(result.requestsPerSecond),
      'p50 ms': fmt(result.p50Ms, 1),
      'p99 ms': fmt(result.p99Ms, 1),
      'RSS MiB': fmt(rssMiB),
      'CPU µs/req': fmt(cpuMicrosPerRequest),
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
      cpu: median(mine.map((r) => r.cpuMicrosPerRequest)),
      errors: mine.reduce((sum, r) => sum + r.result.errors + r.result.non2xx, 0),
    };
  };
  const ref = summary(reference.name);
  const fg = summary(fleetgate.name);
  console.log('medians:');
  table(
    [
      { name: reference.name, ...ref },
      { name: fleetgate.name, ...fg },
    ].map(({ name, rate, p50, p99, rss, cpu }) => ({
      target: name,
      'req/s': fmt(rate),
      'p50 ms': fmt(p50, 1),
      'p99 ms': fmt(p99, 1),
      'RSS MiB': fmt(rss),
      'CPU µs/req': fmt(cpu),
    })),
  );
  console.log(`ratio Fleetgate/reference = ${(fg.rate / ref.rate).toFixed(2)} (target ≥ ${target})`);
  // The server's own CPU per request does not depend on how busy the rest of the machine is.
  console.log(`CPU per request: Fleetgate ${fmt(fg.cpu - ref.cpu)} µs above the reference, CPU ratio reference/Fleetgate = ${(ref.cpu / fg.cpu).toFixed(2)}`);
  if (process.env.BENCH_CPU_PROF) {
    // What bench/support/profile-summary.ts divides a profile by (the servers answer nothing else).
    const served = (name: string, warmup: LoadResult) => warmup.requests + rounds.filter((r) => r.target === name).reduce((sum, r) => sum + r.result.requests, 0);
    console.log(`requests served, warm-up included: reference ${served(reference.name, warmups[0]!)} (pid ${reference.server.pid}), Fleetgate ${served(fleetgate.name, warmups[1]!)} (pid ${fleetgate.server.pid})`);
  }
  if (ref.errors + fg.errors > 0) throw new Error(`${ref.errors + fg.errors} requests failed: the comparison is void`);
}
