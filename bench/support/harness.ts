import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { LoadResult, LoadSpec } from './load.ts';
import type { ActivateClientResult, ActivateClientSpec } from './activate-client.ts';

const run = promisify(execFile);

/** Runs a bench/support script in its own process with a JSON spec; resolves to its last output line, parsed. */
async function inOwnProcess<R>(script: string, spec: unknown): Promise<R> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, script), JSON.stringify(spec)], {
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as R;
}

/** Drives a server with autocannon from a separate process and returns its summary. */
export const load = (spec: LoadSpec): Promise<LoadResult> => inOwnProcess('load.ts', spec);

/** Drives ActivateHardware with the official SDK from a separate process. */
export const activateFromClientProcess = (spec: ActivateClientSpec): Promise<ActivateClientResult> => inOwnProcess('activate-client.ts', spec);

/** Formats a number with thousands separators and fixed decimals. */
export const fmt = (value: number, decimals = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

/** Prints a small aligned table to stdout. */
export function table(rows: readonly Record<string, string | number>[]): void {
  const columns = Object.keys(rows[0] ?? {});
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padStart(widths[i]!)).join('  ');
  console.log(line(columns));
  for (const row of rows) console.log(line(columns.map((c) => String(row[c]))));
}

/** The `p`-th quantile (0–1) of some samples. */
export const percentile = (samples: readonly number[], p: number): number => [...samples].sort((a, b) => a - b)[Math.floor(samples.length * p)]!;

/**
 * Warms each store's runner up, then runs them in alternating rounds, so JIT and machine load
 * weigh on every size alike.
 */
export async function alternateRounds(runners: readonly { run(count: number, keep: boolean): Promise<void> }[], warmUp: number, calls: number, rounds: number): Promise<void> {
  for (const runner of runners) await runner.run(warmUp, false);
  for (let round = 0; round < rounds; round++) for (const runner of runners) await runner.run(calls / rounds, true);
}
