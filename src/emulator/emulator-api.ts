import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Runtime } from '../runtime.ts';
import { guardWithAdminToken } from '../admin/admin-api.ts';
import { sendAccountNotFound, sendAdminError } from '../admin/errors.ts';
import { findAccount } from '../core/accounts.ts';
import { ANY, type Fault } from './fault-table.ts';
import { FaultRefused, ISO_INSTANT, defineFault } from './fault-rules.ts';
import { healthReport } from './health.ts';
import type { MqttStatus } from '../mqtt/broker.ts';
import type { EmulatedSurface } from './emulated-products.ts';
import type { SeedSection } from './seed/seed-section.ts';
import { SeedRefused } from './seed/seed-section.ts';
import { fixtureSchema } from './seed/fixture.ts';
import { EmulatorState, SNAPSHOT_NAME_PATTERN, SnapshotNotFound } from './state.ts';
import { SnapshotRefused } from '../storage/state.ts';

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

const ResetBody = Type.Object({ account: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "an account id: drop only that account's state" })) }, { additionalProperties: false });

const SnapshotName = Type.Object({ name: Type.String({ pattern: SNAPSHOT_NAME_PATTERN, description: 'letters, digits, _ - . (not first), at most 64' }) }, { additionalProperties: false });

/** About 290,000 years either way: well inside what a Date can hold. */
const MAX_OFFSET_MS = 9e15;
const Offset = (description: string) => Type.Optional(Type.Integer({ minimum: -MAX_OFFSET_MS, maximum: MAX_OFFSET_MS, description }));

const ClockBody = Type.Object(
  {
    offsetMs: Offset('set business time this many milliseconds from real time'),
    advanceMs: Offset('move business time by this many milliseconds'),
    at: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'set business time to this ISO 8601 instant' })),
    signatures: Type.Optional(Type.Boolean({ description: 'judge request timestamps by business time too (default: keep as set, initially false)' })),
  },
  { additionalProperties: false },
);

/** A fault as the API shows it: instants as ISO 8601. */
function present(fault: Fault) {
  const { createdAt, expiresAt, ...rest } = fault;
  return { ...rest, createdAt: new Date(createdAt).toISOString(), ...(expiresAt === undefined ? {} : { expiresAt: new Date(expiresAt).toISOString() }) };
}

/**
 * The emulator controls under /_fleetgate, guarded by the admin token: health, and faults
 * injected into the two API gateways.
 */
export function registerEmulatorApi(...args: Parameters<typeof registerEmulatorControls>): void {
  const [app, runtime] = args;
  guardWithAdminToken(app, runtime);
  registerEmulatorControls(...args);
}

/**
 * The emulator control routes themselves, in a scope that has already checked who may use them
 * (the admin token here, an admin console session under the console API).
 */
export function registerEmulatorControls(
  app: FastifyInstance,
  runtime: Runtime,
  surface: EmulatedSurface,
  sections: readonly SeedSection[],
  mqtt: () => MqttStatus,
): void {
  const state = EmulatorState.of(runtime, sections);
  app.get('/health', async () => healthReport(runtime, surface, mqtt()));

  app.post<{ Body: Record<string, unknown> }>('/seed', { schema: { body: fixtureSchema(sections) } }, async (request, reply) => {
    try {
      return { created: await state.seed(request.body) };
    } catch (error) {
      if (error instanceof SeedRefused) return sendAdminError(reply, 400, 'InvalidFixture', error.message);
      throw error;
    }
  });

  // A reset of everything needs no body: `curl -X POST …/reset` does it.
  const emptyBodyIsEmptyObject = async (request: { body: unknown }) => void (request.body ??= {});
  app.post<{ Body: Static<typeof ResetBody> }>('/reset', { schema: { body: ResetBody }, preValidation: emptyBodyIsEmptyObject }, async (request, reply) => {
    const { account } = request.body;
    if (account !== undefined && !(await findAccount(runtime.store.db, account))) return sendAccountNotFound(reply, account);
    try {
      return { reset: account ?? 'all', ...(await state.reset(account)) };
    } catch (error) {
      // The start-up fixture no longer applies (edited meanwhile): the state is dropped, the message says why it is not re-seeded.
      if (error instanceof SeedRefused) return sendAdminError(reply, 409, 'InvalidFixture', error.message);
      throw error;
    }
  });

  app.get('/snapshots', async () => ({ snapshots: state.listSnapshots() }));

  app.post<{ Body: Static<typeof SnapshotName> }>('/snapshots', { schema: { body: SnapshotName } }, async (request, reply) =>
    reply.code(201).send({ snapshot: await state.saveSnapshot(request.body.name) }),
  );

  app.post<{ Params: Static<typeof SnapshotName> }>('/snapshots/:name/restore', { schema: { params: SnapshotName } }, async (request, reply) => {
    const started = process.hrtime.bigint();
    try {
      const snapshot = await state.restoreSnapshot(request.params.name);
      return { restored: snapshot, ms: Number(process.hrtime.bigint() - started) / 1e6 };
    } catch (error) {
      if (error instanceof SnapshotNotFound) return sendAdminError(reply, 404, 'SnapshotNotFound', error.message);
      if (error instanceof SnapshotRefused) return sendAdminError(reply, 409, 'InvalidSnapshot', error.message);
      throw error;
    }
  });

  app.get('/clock', async () => runtime.clock.state());

  app.post<{ Body: Static<typeof ClockBody> }>('/clock', { schema: { body: ClockBody } }, async (request, reply) => {
    const { offsetMs, advanceMs, at, signatures } = request.body;
    const given = [offsetMs, advanceMs, at].filter((value) => value !== undefined).length;
    if (given > 1) return sendAdminError(reply, 400, 'InvalidClock', 'give one of offsetMs, advanceMs and at');
    let offset = runtime.clock.offsetMs;
    if (offsetMs !== undefined) offset = offsetMs;
    if (advanceMs !== undefined) offset += advanceMs;
    if (at !== undefined) {
      if (!ISO_INSTANT.test(at) || Number.isNaN(Date.parse(at))) return sendAdminError(reply, 400, 'InvalidClock', `at must be an ISO 8601 instant with its offset, e.g. 2030-01-01T00:00:00Z (got "${at}")`);
      offset = Date.parse(at) - runtime.clock.realNow();
    }
    if (Math.abs(offset) > MAX_OFFSET_MS) return sendAdminError(reply, 400, 'InvalidClock', 'the clock would leave the range of dates');
    runtime.clock.set(offset, signatures);
    return runtime.clock.state();
  });

  app.delete('/clock', async () => {
    runtime.clock.reset();
    return runtime.clock.state();
  });

  app.get('/faults', async () => ({ faults: runtime.faults.list().map(present) }));

  app.post<{ Body: Static<typeof FaultBody> }>('/faults', { schema: { body: FaultBody } }, async (request, reply) => {
    const { account } = request.body;
    if (account !== undefined && account !== ANY && !(await findAccount(runtime.store.db, account))) return sendAccountNotFound(reply, account);
    try {
      const now = runtime.clock.realNow();
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
