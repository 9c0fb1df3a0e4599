import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime.ts';

/**
 * A group of admin REST operations under /admin/v1. The admin plugin has already checked the
 * bearer token before any route of a module runs. Routes declare TypeBox schemas for params,
 * body and response: the same schemas validate requests and generate the OpenAPI document.
 * Errors: reply with `{ error: { code, message } }` and a 4xx status (see admin/errors.ts).
 * Modules get the whole runtime: accounts, for one, must make the key ring forget a disabled key.
 */
export type AdminModule = (app: FastifyInstance, runtime: Runtime) => void;
