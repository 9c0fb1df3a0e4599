import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../core/app-context.ts';
import { DownloadRefusal, type DownloadRoute } from './download-route.ts';

/**
 * Serves each download route by GET on its path. A refused link answers 403 with
 * `{"error":{"code","message"}}` (InvalidToken, ExpiredToken), like other answers outside the
 * clouds' envelopes; an unexpected failure is logged and answers 500 InternalError without details.
 */
export function registerDownloads(app: FastifyInstance, context: AppContext, routes: readonly DownloadRoute[]): void {
  for (const route of routes) {
    app.get<{ Querystring: { token?: string } }>(route.path, async (request, reply) => {
      try {
        const file = await route.serve(context, typeof request.query.token === 'string' ? request.query.token : '');
        return reply.header('content-type', file.contentType).header('content-disposition', `attachment; filename="${file.fileName}"`).header('cache-control', 'no-store').send(file.body);
      } catch (error) {
        if (error instanceof DownloadRefusal) return reply.code(403).send({ error: { code: error.code, message: error.message } });
        context.logger.error({ err: error, path: route.path }, 'download failed');
        return reply.code(500).send({ error: { code: 'InternalError', message: 'internal error' } });
      }
    });
  }
}
