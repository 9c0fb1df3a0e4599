import { Type, type Static } from '@sinclair/typebox';
import type { AdminModule } from '../../../admin/admin-module.ts';
import type { FastifyReply } from 'fastify';
import { AdminErrorBody, sendAccountNotFound, sendAdminError } from '../../../admin/errors.ts';
import { findAccount } from '../../../core/accounts.ts';
import { StoreRefusal } from '../../../storage/store-refusal.ts';
import { activateDevice, showProduct, switchDynamicRegistration, type OperatorRefusal } from './operator.ts';
import { createEnterpriseInstance, findInstanceId, listEnterpriseInstances } from './store/instances.ts';
import { findProduct } from './store/products.ts';
import { importUploadRoute, type PrepareImport } from '../../../bulk-import/admin-routes.ts';
import type { AppContext } from '../../../core/app-context.ts';
import { deviceImport } from './device-import.ts';

const DeviceImportQuery = Type.Object(
  { productKey: Type.String({ description: 'the product the devices join' }), iotInstanceId: Type.Optional(Type.String({ description: "the product's Enterprise instance" })) },
  { additionalProperties: false },
);

const Instance = Type.Object({
  id: Type.String({ description: 'IotInstanceId: `iot-` and 8 lowercase alphanumerics' }),
  accountId: Type.String(),
  productCount: Type.Integer(),
  createdAt: Type.Integer({ description: 'epoch milliseconds' }),
});

const Product = Type.Object({
  productKey: Type.String(),
  accountId: Type.String(),
  iotInstanceId: Type.Union([Type.String(), Type.Null()], { description: 'null for the account\'s default instance' }),
  name: Type.String(),
  nodeType: Type.Integer(),
  deviceCount: Type.Integer(),
  dynamicRegistration: Type.Boolean({ description: 'whether devices may register themselves (POST /auth/register/device)' }),
  createdAt: Type.Integer({ description: 'epoch milliseconds' }),
});

const Activation = Type.Object({
  productKey: Type.String(),
  deviceName: Type.String(),
  iotId: Type.String(),
  status: Type.Union([Type.Literal('ONLINE'), Type.Literal('OFFLINE')]),
  activatedAt: Type.Integer({ description: 'epoch milliseconds of the first authentication' }),
});

const ProductParams = Type.Object({ productKey: Type.String() });
const DeviceParams = Type.Object({ productKey: Type.String(), deviceName: Type.String() });
const DynamicRegistrationBody = Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false });

/** Answers an operator refusal as a 404 with its code; lets anything else through. */
async function orNotFound<T>(reply: FastifyReply, work: Promise<T>): Promise<T | FastifyReply> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof StoreRefusal)) throw error;
    return sendAdminError(reply, 404, (error as OperatorRefusal).reason, error.message);
  }
}

const CreateInstanceBody = Type.Object({ accountId: Type.String({ minLength: 1 }) }, { additionalProperties: false });
const ListInstancesQuery = Type.Object({ accountId: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false });

/**
 * IoT Platform Enterprise instances: `POST /iot/instances` creates one for an account, `GET
 * /iot/instances` lists them (optionally one account's). Every account also has a default
 * instance without an id, which needs no administration. Products: `GET /iot/products/{key}`,
 * the console-only dynamic-registration switch, and a device's activation (its first
 * authentication, until devices connect over MQTT).
 */
export const iotAdminModule: AdminModule = (app, ctx) => {
  const { db } = ctx.store;

  app.post<{ Body: Static<typeof CreateInstanceBody> }>(
    '/iot/instances',
    {
      schema: {
        summary: 'Create an IoT Platform Enterprise instance (products in it need its IotInstanceId)',
        tags: ['iot'],
        body: CreateInstanceBody,
        response: { 201: Instance, 404: AdminErrorBody },
      },
    },
    async (request, reply) => {
      const { accountId } = request.body;
      if (!(await findAccount(db, accountId))) return sendAccountNotFound(reply, accountId);
      return reply.code(201).send(await createEnterpriseInstance(db, accountId, ctx.now()));
    },
  );

  app.get<{ Querystring: Static<typeof ListInstancesQuery> }>(
    '/iot/instances',
    {
      schema: {
        summary: 'List IoT Platform Enterprise instances',
        tags: ['iot'],
        querystring: ListInstancesQuery,
        response: { 200: Type.Object({ instances: Type.Array(Instance) }) },
      },
    },
    async (request) => ({ instances: await listEnterpriseInstances(db, request.query.accountId) }),
  );

  app.get<{ Params: Static<typeof ProductParams> }>(
    '/iot/products/:productKey',
    {
      schema: {
        summary: 'Show an IoT Platform product (any account), with its dynamic-registration switch',
        tags: ['iot'],
        params: ProductParams,
        response: { 200: Product, 404: AdminErrorBody },
      },
    },
    async (request, reply) => orNotFound(reply, showProduct(ctx, request.params.productKey)),
  );

  app.put<{ Params: Static<typeof ProductParams>; Body: Static<typeof DynamicRegistrationBody> }>(
    '/iot/products/:productKey/dynamic-registration',
    {
      schema: {
        summary: "Turn a product's dynamic registration on or off (a console-only switch on Alibaba Cloud)",
        tags: ['iot'],
        params: ProductParams,
        body: DynamicRegistrationBody,
        response: { 200: Product, 404: AdminErrorBody },
      },
    },
    async (request, reply) => orNotFound(reply, switchDynamicRegistration(ctx, request.params.productKey, request.body.enabled)),
  );

  app.post<{ Params: Static<typeof DeviceParams> }>(
    '/iot/products/:productKey/devices/:deviceName/activate',
    {
      schema: {
        summary: 'Mark a device activated, as its first authentication with its DeviceSecret would (dynamic registration then refuses it until ResetThing)',
        tags: ['iot'],
        params: DeviceParams,
        response: { 200: Activation, 404: AdminErrorBody },
      },
    },
    async (request, reply) => orNotFound(reply, activateDevice(ctx, request.params.productKey, request.params.deviceName)),
  );

  importUploadRoute(app, ctx, {
    kind: 'iot-devices',
    summary: "Import devices with their secrets (Alibaba's device import CSV: DeviceName,DeviceSecret[,Sn]) as a job, under BatchCheckImportDevice's rules",
    tags: ['iot', 'imports'],
    querystring: DeviceImportQuery,
    prepare: (accountId, query) => prepareDeviceImport(ctx, accountId, query.productKey, query.iotInstanceId),
  });
};

/** A device import into one of the account's products, or why there is none to import into. */
export async function prepareDeviceImport(ctx: AppContext, accountId: string, productKey: string, iotInstanceId: string | undefined): ReturnType<PrepareImport<unknown>> {
  const instanceId = await findInstanceId(ctx.store.db, accountId, iotInstanceId);
  const product = instanceId === undefined ? undefined : await findProduct(ctx.store.db, accountId, instanceId, productKey);
  if (!product) return { status: 404, code: 'ProductNotFound', message: `account ${accountId} has no product ${productKey} in that instance` };
  return { target: deviceImport(ctx.secrets, accountId, product.product_key, ctx.now), key: product.product_key };
}
