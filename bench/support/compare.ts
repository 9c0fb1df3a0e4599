import type { LoadResult } from './load.ts';
import type { ServerProcess } from './serve.ts';
import { fmt, table } from './harness.ts';

export interface Contender {
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
export async function alternate(
  title: string,
  reference: Contender,
  fleetgate: Contender,
  drive: (server: ServerProcess, seconds: number) => Promise<LoadResult>,
  options: { rounds: number; seconds: number; warmupSeconds: number },
): Promise<void> {
  await drive(reference.server, options.warmupSeconds);
  await drive(fleetgate.server, options.warmupSeconds);
  const rounds: Round[] = [];
  for (let round = 0; round < options.rounds; round++) {
    for (const { name, server } of [reference, fleetgate]) {
      const result = await drive(server, options.seconds);
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
  console.log(`ratio Fleetgate/reference = ${(fg.rate / ref.rate).toFixed(2)} (target ≥ 0.75)`);
  if (ref.errors + fg.errors > 0) throw new Error(`${ref.errors + fg.errors} requests failed: the comparison is void`);
}
