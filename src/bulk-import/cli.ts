import { resolve } from 'node:path';
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { AppContext } from '../core/app-context.ts';
import { CliError, print, requireAccount } from '../cli/output.ts';
import { importCsv, type ImportOutcome, type ImportTarget } from './csv-import.ts';

export interface ImportCommandOptions {
  readonly account: string;
  readonly report?: string;
  readonly batchSize?: string;
  readonly progress?: boolean;
  readonly json?: boolean;
}

/** The options every `… import FILE.csv` command shares. */
export function importOptions(command: Command): Command {
  return command
    .requiredOption('--account <id>', 'account id')
    .option('--report <file>', 'where rejected rows are listed (line, key, reason) as CSV (default FILE.rejected.csv)')
    .option('--batch-size <rows>', 'rows committed together (default 1000)')
    .option('--no-progress', 'no progress bar (it is drawn only on a terminal anyway)')
    .option('--json', 'machine-readable summary on stdout')
    .addHelpText(
      'after',
      `
Each batch of rows commits together with the import's progress; an interrupted import (Ctrl-C, a
crash) is resumed by running the same command on the same file. Rejected rows do not stop the
import: each is listed in the report with the reason. A line that breaks CSV syntax stops it there.
Exit code 0 when the file was read to its end, 1 when the import failed or was interrupted.`,
    );
}

const rate = (rows: number, since: number): string => `${Math.round(rows / Math.max((Date.now() - since) / 1000, 0.001))}`;

/** Runs one import from the CLI: a progress bar on a terminal, Ctrl-C stops after the batch under way. */
export async function runImportCommand<Row>(
  app: AppContext,
  target: ImportTarget<Row>,
  file: string,
  options: ImportCommandOptions & { readonly target: string },
): Promise<void> {
  await requireAccount(app, options.account);
  const path = resolve(file);
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new CliError(`cannot read ${file}`, 'FileNotFound');
  }
  const batchSize = options.batchSize === undefined ? undefined : Number(options.batchSize);
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 10_000)) {
    throw new CliError('--batch-size must be an integer from 1 to 10000', 'InvalidUsage');
  }
  const json = !!options.json;
  const bar =
    options.progress !== false && !json && process.stderr.isTTY
      ? new cliProgress.SingleBar(
          { format: '{bar} {percentage}% | read {read} valid {valid} rejected {rejected} written {written} | {rate} rows/s', stream: process.stderr },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  const started = Date.now();
  bar?.start(size, 0, { read: 0, valid: 0, rejected: 0, written: 0, rate: 0 });
  // Ctrl-C ends the batch under way and leaves the import resumable; a second one ends the process.
  const stop = new AbortController();
  const onSignal = () => (stop.signal.aborted ? process.exit(130) : stop.abort());
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let outcome: ImportOutcome;
  try {
    outcome = await importCsv(app, target, {
      accountId: options.account,
      target: options.target,
      file: path,
      report: resolve(options.report ?? `${file}.rejected.csv`),
      ...(batchSize === undefined ? {} : { batchSize }),
      signal: stop.signal,
      onProgress: (counts, bytes) => bar?.update(bytes, { ...counts, rate: rate(counts.read, started) }),
    });
  } finally {
    bar?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const seconds = (Date.now() - started) / 1000;
  const summary = { ...outcome, seconds };
  print(json, summary, [
    { import: outcome.importId, status: outcome.status, read: outcome.read, valid: outcome.valid, rejected: outcome.rejected, written: outcome.written, report: outcome.report },
  ]);
  if (outcome.status === 'failed') throw new CliError(`import stopped: ${outcome.failure}`, 'ImportFailed');
  if (outcome.status === 'running') throw new CliError('import interrupted: run the same command again to resume it', 'ImportInterrupted');
}
