import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, openSync, closeSync, ftruncateSync, writeSync, statSync } from 'node:fs';
import { parse, type CsvError } from 'csv-parse';
import type { Kysely } from 'kysely';
import type { AppContext } from '../core/app-context.ts';
import type { Database } from '../storage/schema.ts';
import { StoreRefusal } from '../storage/store-refusal.ts';
import type { CsvImportRow } from './tables.ts';
import './tables.ts';

/** One CSV line turned into what a product writes, or the documented reason it is refused. */
export type RowCheck<Row> = { readonly row: Row } | { readonly reason: string };

/** What a product brings to a bulk import: its columns, its row rules, and its batch write. */
export interface ImportTarget<Row> {
  /** Stored with the import: 'mna-hardware', 'iot-devices'. */
  readonly kind: string;
  /** The header names the file must have (any order) and may have. */
  readonly requiredColumns: readonly string[];
  readonly optionalColumns: readonly string[];
  /** The product's own per-row rules (the same the API action applies), given the row by header name. */
  check(record: Readonly<Record<string, string>>): RowCheck<Row>;
  /** The value that must not repeat (SN, DeviceName), and the documented reason a repeat is refused for. */
  key(row: Row): string;
  repeated(key: string): string;
  /**
   * Writes a batch inside the import's transaction; answers the reason for each key it did not
   * write (already registered). Throwing rolls the batch and its progress back together.
   */
  write(tx: Kysely<Database>, rows: readonly Row[]): Promise<ReadonlyMap<string, string>>;
}

export interface ImportCounts {
  readonly read: number;
  readonly valid: number;
  readonly rejected: number;
  readonly written: number;
}

export interface ImportOutcome extends ImportCounts {
  readonly importId: string;
  readonly status: CsvImportRow['status'];
  /** Records a resumed import skipped because an earlier run committed them. */
  readonly resumedAfter: number;
  readonly report: string;
  readonly failure: string | null;
}

export interface ImportOptions {
  readonly accountId: string;
  /** ProductKey for devices, '' for hardware: part of what identifies an import to resume. */
  readonly target: string;
  readonly file: string;
  /** Rejected rows go here as CSV (line, key, reason). */
  readonly report: string;
  readonly batchSize?: number;
  /** Called after each committed batch (and once at the end) with the running totals. */
  readonly onProgress?: (counts: ImportCounts, bytesRead: number) => void;
  /** Aborting stops after the batch under way: the import stays resumable. */
  readonly signal?: AbortSignal;
}

const DEFAULT_BATCH = 1_000;
/** A record longer than this stops the import (a 10 MB line is no SN list): memory stays bounded. */
export const MAX_RECORD_BYTES = 64 * 1024;
const REPORT_HEADER = 'line,key,reason\n';

const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** The import a new run of the same file continues: one interrupted, or stopped at a line since corrected. */
async function resumable(db: Kysely<Database>, kind: string, options: ImportOptions): Promise<CsvImportRow | undefined> {
  return db
    .selectFrom('csv_imports')
    .selectAll()
    .where('account_id', '=', options.accountId)
    .where('kind', '=', kind)
    .where('target', '=', options.target)
    .where('source', '=', options.file)
    .where('status', '!=', 'finished')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}

/** The import of that id in the account, for polling. */
export async function findImport(db: Kysely<Database>, accountId: string, importId: string): Promise<CsvImportRow | undefined> {
  return db.selectFrom('csv_imports').selectAll().where('account_id', '=', accountId).where('import_id', '=', importId).executeTakeFirst();
}

/** A fresh import row, before its first batch: what a job poll shows as queued work. */
export async function createImport(db: Kysely<Database>, kind: string, options: Pick<ImportOptions, 'accountId' | 'target' | 'file'>, now: number): Promise<CsvImportRow> {
  const row: CsvImportRow = {
    import_id: randomUUID(),
    account_id: options.accountId,
    kind,
    target: options.target,
    source: options.file,
    status: 'running',
    rows_read: 0,
    rows_valid: 0,
    rows_rejected: 0,
    rows_written: 0,
    report_bytes: 0,
    failure: null,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('csv_imports').values(row).execute();
  return row;
}

/** Why the header cannot be imported, or undefined. */
function headerProblem(header: readonly string[], target: ImportTarget<unknown>): string | undefined {
  const known = new Set([...target.requiredColumns, ...target.optionalColumns]);
  const unknown = header.filter((name) => !known.has(name));
  const missing = target.requiredColumns.filter((name) => !header.includes(name));
  const repeated = header.filter((name, i) => header.indexOf(name) !== i);
  const expected = `expected ${target.requiredColumns.join(', ')}${target.optionalColumns.length > 0 ? ` [, ${target.optionalColumns.join(', ')}]` : ''}`;
  if (missing.length > 0) return `the header lacks ${missing.join(', ')} (${expected})`;
  if (unknown.length > 0) return `the header has unknown columns ${unknown.join(', ')} (${expected})`;
  if (repeated.length > 0) return `the header names ${repeated.join(', ')} twice`;
  return undefined;
}

/**
 * Imports a CSV file in batches: each batch's valid rows, its rejected rows' report lines and the
 * import's progress commit together, so an interruption (a signal, a crash) loses at most the
 * batch under way, and running the same import again resumes after the last committed batch.
 * The file streams through csv-parse with backpressure: memory does not grow with its length.
 * A line that breaks CSV syntax (a stray quote, a record over MAX_RECORD_BYTES) stops the import
 * as 'failed' at that line, after the batches before it; everything else is judged row by row.
 */
export async function importCsv<Row>(app: AppContext, target: ImportTarget<Row>, options: ImportOptions, existing?: CsvImportRow): Promise<ImportOutcome> {
  const { db } = app.store;
  const size = statSync(options.file).size;
  const job = existing ?? (await resumable(db, target.kind, options)) ?? (await createImport(db, target.kind, options, app.now()));
  const resumedAfter = job.rows_read;
  const counts = { read: job.rows_read, valid: job.rows_valid, rejected: job.rows_rejected, written: job.rows_written };
  const batchSize = options.batchSize ?? DEFAULT_BATCH;

  // The report keeps what committed batches wrote; lines of a batch that never committed go. A
  // report removed (or cut short) since starts over rather than being padded out.
  const kept = job.report_bytes > 0 && existsSync(options.report) && statSync(options.report).size >= job.report_bytes;
  const report = openSync(options.report, kept ? 'r+' : 'w');
  let reportBytes = kept ? job.report_bytes : 0;
  ftruncateSync(report, reportBytes);
  if (reportBytes === 0) reportBytes += writeSync(report, REPORT_HEADER, 0);
  const reportLines: string[] = [];
  const reject = (line: number, key: string, reason: string) => {
    counts.rejected++;
    reportLines.push(`${line},${csvField(key)},${csvField(reason)}\n`);
  };

  let header: string[] | undefined;
  let batch: { row: Row; line: number; key: string }[] = [];
  let batchKeys = new Set<string>();
  let bytesRead = 0;
  let status: CsvImportRow['status'] = 'running';
  let failure: string | null = null;

  const commit = async () => {
    const rows = batch;
    batch = [];
    batchKeys = new Set();
    const pending = reportLines.splice(0);
    await db.transaction().execute(async (tx) => {
      const refused = rows.length > 0 ? await target.write(tx, rows.map((entry) => entry.row)) : new Map<string, string>();
      for (const entry of rows) {
        const reason = refused.get(entry.key);
        if (reason === undefined) counts.written++;
        else {
          counts.rejected++;
          pending.push(`${entry.line},${csvField(entry.key)},${csvField(reason)}\n`);
        }
      }
      // Report lines reach the file before the progress naming them commits; a crash in between
      // leaves lines past report_bytes, which the resume cuts off.
      const text = pending.join('');
      const written = text.length > 0 ? writeSync(report, text, reportBytes) : 0;
      await tx
        .updateTable('csv_imports')
        .set({
          rows_read: counts.read,
          rows_valid: counts.valid,
          rows_rejected: counts.rejected,
          rows_written: counts.written,
          report_bytes: reportBytes + written,
          status,
          failure,
          updated_at: app.now(),
        })
        .where('import_id', '=', job.import_id)
        .execute();
      reportBytes += written;
    });
    options.onProgress?.({ ...counts }, bytesRead);
  };

  // csv-parse cannot resume reliably after a syntax error, and a stream error would drop the
  // records it had parsed before; so the first error is noted (on_skip) and the loop stops at its line.
  let syntaxError: CsvError | undefined;
  const parser = createReadStream(options.file).pipe(
    parse({
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      max_record_size: MAX_RECORD_BYTES,
      info: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        syntaxError ??= error;
      },
    }),
  );
  const syntaxLine = (): number => (syntaxError as CsvError & { lines: number }).lines;

  /** Reads, judges and commits every batch; the final commit records the final status. */
  const run = async (): Promise<void> => {
    let record = 0;
    for await (const { record: fields, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number; bytes: number } }>) {
      if (syntaxError && info.lines >= syntaxLine()) break;
      bytesRead = info.bytes;
      if (!header) {
        header = fields.map((name) => name.trim());
        const problem = headerProblem(header, target as ImportTarget<unknown>);
        if (problem) {
          status = 'failed';
          failure = `line ${info.lines}: ${problem}`;
          break;
        }
        continue;
      }
      // Records an earlier run committed are read again but not judged again.
      if (++record <= resumedAfter) continue;
      counts.read++;
      judge(fields, header, info.lines);
      if ((counts.read - resumedAfter) % batchSize === 0) {
        await commit();
        if (options.signal?.aborted) break;
      }
    }
    if (status === 'running' && syntaxError) {
      status = 'failed';
      failure = `line ${syntaxLine()}: ${syntaxError.message.replace(/ at line \d+/, '')}`;
    }
    if (status === 'running' && !header) {
      status = 'failed';
      failure = 'the file is empty: it needs a header line';
    }
    if (status === 'running' && !options.signal?.aborted) {
      status = 'finished';
      bytesRead = size;
    }
    await commit();
  };

  const judge = (fields: readonly string[], header: readonly string[], line: number): void => {
    if (fields.length !== header.length) return reject(line, fields[0] ?? '', `expected ${header.length} columns, found ${fields.length}`);
    const named: Record<string, string> = {};
    header.forEach((name, i) => (named[name] = fields[i]!));
    const checked = target.check(named);
    if ('reason' in checked) return reject(line, named[target.requiredColumns[0]!] ?? '', checked.reason);
    const key = target.key(checked.row);
    if (batchKeys.has(key)) return reject(line, key, target.repeated(key));
    counts.valid++;
    batchKeys.add(key);
    batch.push({ row: checked.row, line, key });
  };

  try {
    await run();
  } catch (error) {
    // A refusal of the store (a product out of room) ends the import after its last good batch.
    if (!(error instanceof StoreRefusal)) throw error;
    await db.updateTable('csv_imports').set({ status: 'failed', failure: error.message, updated_at: app.now() }).where('import_id', '=', job.import_id).execute();
    const committed = (await findImport(db, options.accountId, job.import_id))!;
    const stored = { read: committed.rows_read, valid: committed.rows_valid, rejected: committed.rows_rejected, written: committed.rows_written };
    return { importId: job.import_id, status: 'failed', resumedAfter, report: options.report, failure: error.message, ...stored };
  } finally {
    parser.destroy();
    closeSync(report);
  }
  return { importId: job.import_id, status, resumedAfter, report: options.report, failure, ...counts };
}
