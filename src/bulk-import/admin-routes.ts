import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TObject } from '@sinclair/typebox';
import type { Runtime } from '../runtime.ts';
import type { AdminModule } from '../admin/admin-module.ts';
import { AdminErrorBody, sendAccountNotFound, sendAdminError } from '../admin/errors.ts';
import { findAccount } from '../core/accounts.ts';
import { createImport, findImport, importCsv, type ImportTarget } from './csv-import.ts';
import type { CsvImportRow } from './tables.ts';

const ImportJob = Type.Object({
  importId: Type.String(),
  kind: Type.String({ description: "'mna-hardware' or 'iot-devices'" }),
  status: Type.Union([Type.Literal('running'), Type.Literal('finished'), Type.Literal('failed')]),
  read: Type.Integer({ description: 'data rows read so far (committed batches)' }),
  valid: Type.Integer(),
  rejected: Type.Integer({ description: 'rows refused: see the report' }),
  written: Type.Integer(),
  failure: Type.Union([Type.String(), Type.Null()], { description: 'why a failed import stopped' }),
  createdAt: Type.Integer({ description: 'epoch milliseconds' }),
  updatedAt: Type.Integer({ description: 'epoch milliseconds' }),
});
const AccountParams = Type.Object({ accountId: Type.String() });
const ImportParams = Type.Object({ accountId: Type.String(), importId: Type.String() });

export type ImportJobView = Static<typeof ImportJob>;

export const importJobView = (row: CsvImportRow): ImportJobView => ({
  importId: row.import_id,
  kind: row.kind,
  status: row.status,
  read: row.rows_read,
  valid: row.rows_valid,
  rejected: row.rows_rejected,
  written: row.rows_written,
  failure: row.failure,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Uploaded files and their reports live in the node's data dir: poll and fetch the report on the node that took the upload. */
const importFiles = (runtime: Runtime, importId: string) => {
  const dir = join(runtime.config.dataDir, 'imports');
  return { dir, file: join(dir, `${importId}.csv`), report: join(dir, `${importId}.rejected.csv`) };
};

/**
 * Streams an uploaded CSV to the data dir (no size limit, constant memory), then imports it in
 * the background as a job; answers the job, running, to poll.
 */
export async function startUploadedImport(
  runtime: Runtime,
  accountId: string,
  prepared: { readonly target: ImportTarget<unknown>; readonly key: string },
  upload: Readable,
): Promise<ImportJobView> {
  const job = await createImport(runtime.store.db, prepared.target.kind, { accountId, target: prepared.key, file: '' }, runtime.now());
  const paths = importFiles(runtime, job.import_id);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  const fail = (failure: string) =>
    runtime.store.db
      .updateTable('csv_imports')
      .set({ status: 'failed', failure, updated_at: runtime.now() })
      .where('import_id', '=', job.import_id)
      .execute()
      .catch(() => undefined);
  try {
    await pipeline(upload, createWriteStream(paths.file, { mode: 0o600 }));
  } catch (error) {
    // The upload broke off: the job never ran, and its partial file is of no use.
    await fail('the upload did not complete');
    rmSync(paths.file, { force: true });
    throw error;
  }
  const running = { ...job, source: paths.file };
  await runtime.store.db.updateTable('csv_imports').set({ source: paths.file }).where('import_id', '=', job.import_id).execute();
  void importCsv(runtime, prepared.target, { accountId, target: prepared.key, file: paths.file, report: paths.report }, running).catch(async (error: unknown) => {
    runtime.logger.error({ err: error, importId: job.import_id }, 'import job failed');
    await fail('internal error');
  });
  return importJobView(running);
}

/** What a product's upload route needs: its target for the account and query, or the refusal. */
export type PrepareImport<Query> = (
  accountId: string,
  query: Query,
) => Promise<{ readonly target: ImportTarget<unknown>; readonly key: string } | { readonly status: number; readonly code: string; readonly message: string }>;

/**
 * `POST /accounts/:accountId/imports/<kind>` with a text/csv body: the upload streams to the data
 * dir (no size limit, constant memory), then imports in the background as a job; the answer (202)
 * is the job to poll at `GET /accounts/:accountId/imports/:importId`.
 */
export function importUploadRoute<Q extends TObject>(
  app: FastifyInstance,
  runtime: Runtime,
  options: { readonly kind: string; readonly summary: string; readonly tags: string[]; readonly querystring: Q; readonly prepare: PrepareImport<Static<Q>> },
): void {
  app.register(async (scope) => {
    // The body stays a stream: the route writes it to a file instead of buffering it.
    scope.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));
    scope.post<{ Params: Static<typeof AccountParams>; Querystring: Static<Q> }>(
      `/accounts/:accountId/imports/${options.kind}`,
      {
        schema: {
          summary: options.summary,
          description: 'Body: the CSV file (Content-Type: text/csv). Poll the job answered; its rejected rows are at …/report.',
          tags: options.tags,
          params: AccountParams,
          querystring: options.querystring,
          response: { 202: ImportJob, 400: AdminErrorBody, 404: AdminErrorBody, 415: AdminErrorBody },
        },
      },
      async (request, reply) => {
        const { accountId } = request.params;
        if (!(await findAccount(runtime.store.db, accountId))) return sendAccountNotFound(reply, accountId);
        const prepared = await options.prepare(accountId, request.query as Static<Q>);
        if ('code' in prepared) return sendAdminError(reply, prepared.status, prepared.code, prepared.message);
        return reply.code(202).send(await startUploadedImport(runtime, accountId, prepared, request.body as Readable));
      },
    );
  });
}

/**
 * An import's report of rejected rows (CSV: line, key, reason) as far as committed; undefined when
 * the account has no such import or its report is not on this node.
 */
export async function importReport(runtime: Runtime, accountId: string, importId: string): Promise<Readable | string | undefined> {
  const job = await findImport(runtime.store.db, accountId, importId);
  const { report } = importFiles(runtime, importId);
  if (!job || !existsSync(report)) return undefined;
  // Only what committed batches wrote: lines past report_bytes belong to a batch under way.
  return job.report_bytes === 0 ? '' : createReadStream(report, { start: 0, end: job.report_bytes - 1 });
}

/** Polling a bulk import job and fetching its report of rejected rows. */
export const bulkImportAdminModule: AdminModule = (app, runtime) => {
  app.get<{ Params: Static<typeof ImportParams> }>(
    '/accounts/:accountId/imports/:importId',
    { schema: { summary: 'Show a bulk import job and its progress', tags: ['imports'], params: ImportParams, response: { 200: ImportJob, 404: AdminErrorBody } } },
    async (request, reply) => {
      const job = await findImport(runtime.store.db, request.params.accountId, request.params.importId);
      return job ? importJobView(job) : sendAdminError(reply, 404, 'ImportNotFound', `no import ${request.params.importId} in account ${request.params.accountId}`);
    },
  );
  app.get<{ Params: Static<typeof ImportParams> }>(
    '/accounts/:accountId/imports/:importId/report',
    {
      schema: {
        summary: "A bulk import job's rejected rows as CSV (line, key, reason), as far as committed",
        tags: ['imports'],
        params: ImportParams,
        response: { 200: Type.String({ description: 'text/csv' }), 404: AdminErrorBody },
      },
    },
    async (request, reply) => {
      const report = await importReport(runtime, request.params.accountId, request.params.importId);
      if (report === undefined) return sendAdminError(reply, 404, 'ImportNotFound', `no report of import ${request.params.importId} on this node`);
      return reply.type('text/csv').send(report);
    },
  );
};
