import { Type, type Static } from '@sinclair/typebox';
import type { AdminModule } from '../../../admin/admin-module.ts';
import { AdminErrorBody, sendAccountNotFound } from '../../../admin/errors.ts';
import { findAccount } from '../../../core/accounts.ts';
import { createEnterpriseInstance, findInstanceId, listEnterpriseInstances } from './store/instances.ts';
import { findProduct } from './store/products.ts';
import { importUploadRoute } from '../../../bulk-import/admin-routes.ts';
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

const CreateInstanceBody = Type.Object({ accountId: Type.String({ minLength: 1 }) }, { additionalProperties: false });
const ListInstancesQuery = Type.Object({ accountId: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false });

/**
 * IoT Platform Enterprise instances: `POST /iot/instances` creates one for an account, `GET
 * /iot/instances` lists them (optionally one account's). Every account also has a default
 * instance without an id, which needs no administration.
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

  importUploadRoute(app, ctx, {
    kind: 'iot-devices',
    summary: "Import devices with their secrets (Alibaba's device import CSV: DeviceName,DeviceSecret[,Sn]) as a job, under BatchCheckImportDevice's rules",
    tags: ['iot', 'imports'],
    querystring: DeviceImportQuery,
    async prepare(accountId, query) {
      const instanceId = await findInstanceId(ctx.store.db, accountId, query.iotInstanceId);
      const product = instanceId === undefined ? undefined : await findProduct(ctx.store.db, accountId, instanceId, query.productKey);
      if (!product) return { status: 404, code: 'ProductNotFound', message: `account ${accountId} has no product ${query.productKey} in that instance` };
      return { target: deviceImport(ctx.secrets, accountId, product.product_key, ctx.now), key: product.product_key };
    },
  });
};
