import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { Runtime } from '../runtime.ts';
import { ADMIN_MODULES } from '../services/registry.ts';
import { fieldWithNul, sendAdminError } from './errors.ts';
import { describeViolation, type SchemaViolation } from './validation-message.ts';
import { adminValidatorCompiler } from './validators.ts';

/**
 * The admin REST API under /admin/v1: JSON, guarded by the admin bearer token, described by an
 * OpenAPI document generated from the same TypeBox schemas that validate it.
 */
export async function registerAdminApi(app: FastifyInstance, runtime: Runtime): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: { title: 'Fleetgate admin API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    // Shared schemas (the emulator's SeedFixture) appear under their own $id, not def-0.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  guardWithAdminToken(app, runtime);
  for (const module of ADMIN_MODULES) module(app, runtime);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

/**
 * What every route of a scope guarded by the admin token shares (the admin API, the emulator
 * controls): the bearer check, bodies validated as sent, the NUL refusal and errors as
 * `{ error: { code, message } }`.
 */
export function guardWithAdminToken(app: FastifyInstance, runtime: Runtime): void {
  const expected = Buffer.from(`Bearer ${runtime.adminToken}`);
  app.addHook('onRequest', async (request, reply) => {
    const given = Buffer.from(request.headers.authorization ?? '');
    if (!runtime.adminToken || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return sendAdminError(reply, 401, 'Unauthorized', 'a valid admin bearer token is required');
    }
  });
  validateLikeTheAdminApi(app);
}

/**
 * The admin API's request handling without its guard (the console has its own): bodies
 * validated as sent, the NUL refusal, errors as `{ error: { code, message } }` in plain words.
 */
export function validateLikeTheAdminApi(app: FastifyInstance): void {
  app.setValidatorCompiler(adminValidatorCompiler);
  app.addHook('preValidation', async (request, reply) => {
    const field = fieldWithNul({ params: request.params, query: request.query, body: request.body });
    if (field !== undefined) return sendAdminError(reply, 400, 'InvalidParameter', `${field} must not contain a NUL character`);
  });
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string; validation?: SchemaViolation[]; validationContext?: string }, request, reply) => {
    if (error.validation) return sendAdminError(reply, 400, 'InvalidParameter', describeViolation(error.validation, error.validationContext ?? 'body'));
    if (error.statusCode && error.statusCode < 500) return sendAdminError(reply, error.statusCode, error.code ?? 'BadRequest', error.message);
    request.log.error({ err: error }, 'admin API failure');
    return sendAdminError(reply, 500, 'InternalError', 'internal error');
  });
}
