import type { FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';

/** Admin API error body: `{ "error": { "code": "...", "message": "..." } }`. */
export const AdminErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});

export function sendAdminError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } });
}

export function sendAccountNotFound(reply: FastifyReply, accountId: string): FastifyReply {
  return sendAdminError(reply, 404, 'AccountNotFound', `no account ${accountId}`);
}
