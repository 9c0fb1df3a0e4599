import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { importJobView, importReport, startUploadedImport, type PrepareImport } from '../../bulk-import/admin-routes.ts';
import { findImport } from '../../bulk-import/csv-import.ts';
import { ConsoleError, consoleRoute, notFound, type ConsoleCall } from '../console-route.ts';

/**
 * Answers a CSV upload route: the body streamed to a background import job (202, the job to
 * poll), once the product has said what the rows become for this account (`prepare`).
 */
export async function startCsvImport(
  call: Pick<ConsoleCall<never>, 'runtime' | 'request' | 'reply'> & { readonly params: { readonly accountId: string } },
  prepare: () => ReturnType<PrepareImport<unknown>>,
): Promise<unknown> {
  const { runtime, params, request, reply } = call;
  if (!(request.body instanceof Readable)) throw new ConsoleError(415, 'UnsupportedMediaType', 'send the file as the body with Content-Type: text/csv');
  const prepared = await prepare();
  if ('code' in prepared) throw new ConsoleError(prepared.status, prepared.code, prepared.message);
  return reply.code(202).send(await startUploadedImport(runtime, params.accountId, prepared, request.body));
}

const ImportParams = Type.Object({ accountId: Type.String(), importId: Type.String() });

/** Polling a CSV import job (SN lists, IoT Platform devices) and reading its report of rejected rows. */
export const importRoutes = [
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/imports/:importId',
    access: 'own',
    schema: { params: ImportParams },
    async handle({ runtime, params }) {
      const job = await findImport(runtime.store.db, params.accountId, params.importId);
      if (!job) throw notFound('ImportNotFound', `account ${params.accountId} has no import ${params.importId}`);
      return importJobView(job);
    },
  }),
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/imports/:importId/report',
    access: 'own',
    schema: { params: ImportParams },
    async handle({ runtime, params, reply }) {
      const report = await importReport(runtime, params.accountId, params.importId);
      if (report === undefined) throw notFound('ImportNotFound', `no report of import ${params.importId} on this node`);
      return reply.type('text/csv').send(report);
    },
  }),
];
