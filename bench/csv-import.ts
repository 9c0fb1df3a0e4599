/**
 * Bulk CSV import of a vendor's SN list: `fleetgate mna hardware import` (the built CLI, as a user
 * runs it) on a generated file of BENCH_CSV_ROWS rows (default 1,000,000) into SQLite, with rows/s
 * and the process's peak resident memory (VmHWM), which must not grow with the file.
 * A second, 10× smaller run shows the peak is flat in the row count.
 *   npm run bench -- csv-import
 */
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { fmt, table } from './support/harness.ts';
import { benchDataDir, seed } from './support/seed.ts';
import { createAccount } from '../src/core/accounts.ts';
import { registerVendor } from '../src/services/tencent/mna/store/vendors.ts';

const ROWS = Number(process.env.BENCH_CSV_ROWS ?? 1_000_000);
const BIN = resolve(import.meta.dirname, '../bin/fleetgate.js');

async function writeCsv(file: string, rows: number, prefix: string): Promise<void> {
  const out = createWriteStream(file);
  out.write('SN,LicenseChargingMode,Description\n');
  for (let i = 0; i < rows; i++) {
    if (!out.write(`${prefix}-${i.toString().padStart(8, '0')},${(i % 3) + 1},bench row ${i}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** 0 once the process is a zombie, which has no memory lines left. */
const peakKiB = (pid: number): number => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB$/m)?.[1] ?? 0);

async function importRun(dataDir: string, env: Record<string, string>, accountId: string, file: string): Promise<{ seconds: number; peakMiB: number; summary: Record<string, unknown> }> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'mna', 'hardware', 'import', '--account', accountId, file, '--json', '--no-progress'], {
    env: { ...process.env, ...env, FLEETGATE_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  let peak = 0;
  // VmHWM only rises: the last reading before exit is the peak within one polling interval.
  const poll = setInterval(() => {
    try {
      peak = Math.max(peak, peakKiB(child.pid!));
    } catch {
      // The process has just exited.
    }
  }, 50);
  const [code] = (await once(child, 'exit')) as [number];
  clearInterval(poll);
  if (code !== 0) throw new Error(`import exited with ${code}: ${stdout}`);
  return { seconds: (performance.now() - started) / 1000, peakMiB: peak / 1024, summary: JSON.parse(stdout) as Record<string, unknown> };
}

const { dataDir, env } = benchDataDir();
try {
  const accountId = await seed(dataDir, env, async (app) => {
    const account = await createAccount(app.store.db, 'bench-vendor', app.now());
    await registerVendor(app.store.db, account.id, 'bench-vendor', app.now());
    return account.id;
  });
  const rows: Record<string, string>[] = [];
  for (const [count, prefix] of [
    [Math.max(1, Math.floor(ROWS / 10)), 'SMALL'],
    [ROWS, 'BIG'],
  ] as const) {
    const file = join(dataDir, `${prefix}.csv`);
    await writeCsv(file, count, prefix);
    const { seconds, peakMiB, summary } = await importRun(dataDir, env, accountId, file);
    if (summary.written !== count) throw new Error(`expected ${count} rows written, got ${JSON.stringify(summary)}`);
    rows.push({ rows: fmt(count), 'wall s': fmt(seconds, 1), 'rows/s': fmt(count / seconds), 'peak RSS MiB': fmt(peakMiB, 1) });
  }
  console.log(`CSV import of MNA hardware (SN list) through the built CLI into SQLite, batches of 1,000; node ${process.version}`);
  table(rows);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
