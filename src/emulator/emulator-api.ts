import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Runtime } from '../runtime.ts';
import { guardWithAdminToken } from '../admin/admin-api.ts';
import { sendAccountNotFound, sendAdminError } from '../admin/errors.ts';
import { findAccount } from '../core/accounts.ts';
import { ANY, type Fault } from './fault-table.ts';
import { FaultRefused, defineFault } from './fault-rules.ts';
import { healthReport } from './health.ts';
import type { EmulatedSurface } from './emulated-products.ts';

/** Bounds a fault's life so its expiry stays a valid date. */
const TEN_YEARS_SECONDS = 10 * 365 * 24 * 3600;

const Selector = (what: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: `${what}, or * (the default) for any` }));

const FaultBody = Type.Object(
  {
    cloud: Type.Optional(Type.Union([Type.Literal('tencent'), Type.Literal('alibaba'), Type.Literal(ANY)])),
    product: Selector('mna, iotcloud or iot'),
    action: Selector('an implemented action'),
    account: Selector('an account id'),
    error: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    latencyMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
    rate: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    calls: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
    ttlSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: TEN_YEARS_SECONDS })),
    expiresAt: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  },
  { additionalProperties: false },
);

const FaultId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/** A fault as the API shows it: instants as ISO 8601. */
function present(fault: Fault) {
  const { createdAt, expiresAt, ...rest } = fault;
  return { ...rest, createdAt: new Date(createdAt).toISOString(), ...(expiresAt === undefined ? {} : { expiresAt: new Date(expiresAt).toISOString() }) };
}

/**
 * The emulator controls under /_fleetgate, guarded by the admin token: health, and faults
 * injected into the two API gateways.
 */
export function registerEmulatorApi(app: FastifyInstance, runtime: Runtime, surface: EmulatedSurface): void {
  guardWithAdminToken(app, runtime);
  app.get('/health', async () => healthReport(runtime, surface));

  app.get('/faults', async () => ({ faults: runtime.faults.list().map(present) }));

  app.post<{ Body: Static<typeof FaultBody> }>('/faults', { schema: { body: FaultBody } }, async (request, reply) => {
    const { account } = request.body;
    if (account !== undefined && account !== ANY && !(await findAccount(runtime.store.db, account))) return sendAccountNotFound(reply, account);
    try {
      const now = runtime.now();
      const fault = runtime.faults.add(defineFault(request.body, surface.products, now), now);
      return reply.code(201).send({ fault: present(fault) });
    } catch (error) {
      if (error instanceof FaultRefused) return sendAdminError(reply, 400, 'InvalidFault', error.message);
      throw error;
    }
  });

  app.delete('/faults', async () => ({ removed: runtime.faults.clear() }));

  app.delete<{ Params: Static<typeof FaultId> }>('/faults/:id', { schema: { params: FaultId } }, async (request, reply) => {
    if (!runtime.faults.remove(request.params.id)) return sendAdminError(reply, 404, 'FaultNotFound', `no fault ${request.params.id}`);
    return { removed: 1 };
  });
}
