import { Type } from '@sinclair/typebox';
import type { Runtime } from '../../runtime.ts';
import { findProduct as findHubProduct, openProductSecret, productPage as hubProductPage, updateDynamicRegister, type ProductRow as HubProductRow } from '../../services/tencent/iotcloud/store/products.ts';
import { DYNAMIC_REGISTER_PRODUCT_TYPES } from '../../services/tencent/iotcloud/UpdateProductDynamicRegister.ts';
import { MAX_REGISTER_LIMIT } from '../../services/tencent/iotcloud/validation.ts';
import { devicePage as hubDevicePage, type DeviceRow as HubDeviceRow } from '../../services/tencent/iotcloud/store/devices.ts';
import { findInstanceId, listEnterpriseInstances } from '../../services/alibaba/iot/store/instances.ts';
import { findProductByKey, productPage, type ProductRow } from '../../services/alibaba/iot/store/products.ts';
import { devicePage, type DeviceRow } from '../../services/alibaba/iot/store/devices.ts';
import { findAccountImportJob, importJobPage, importOutcomePage, type ImportJobRow, type ImportRow } from '../../services/alibaba/iot/store/import-jobs.ts';
import { productAdminView, switchDynamicRegistration } from '../../services/alibaba/iot/operator.ts';
import { prepareDeviceImport } from '../../services/alibaba/iot/admin-routes.ts';
import { startCsvImport } from './imports.ts';
import { ConsoleError, consoleRoute, notFound } from '../console-route.ts';
import { PagedQuery, Prefix, keysetPage, pageAnswer, wholeList } from '../paging.ts';
import { AccountParams } from './params.ts';

const hubProductView = (row: HubProductRow) => ({
  productId: row.product_id,
  productName: row.product_name,
  description: row.description,
  encryptionType: row.encryption_type,
  productType: row.product_type,
  registerType: row.register_type,
  registerLimit: row.register_limit,
  registeredCount: row.dynamic_device_count,
  deviceCount: row.device_count,
  forbidden: row.forbidden === 1,
  createdAt: row.created_at,
});

const hubDeviceView = (row: HubDeviceRow) => ({
  productId: row.product_id,
  deviceName: row.device_name,
  enabled: row.enable_state === 1,
  online: row.online === 1,
  loginAt: row.login_at,
  firstOnlineAt: row.first_online_at,
  lastOfflineAt: row.last_offline_at,
  clientIp: row.client_ip,
  version: row.version,
  dynamicRegistered: row.dynamic_registered === 1,
  createdAt: row.created_at,
});

const iotDeviceView = (row: DeviceRow) => ({
  iotId: row.iot_id,
  productKey: row.product_key,
  deviceName: row.device_name,
  nickname: row.nickname,
  sn: row.sn,
  status: row.status,
  online: row.status === 'ONLINE',
  createdAt: row.created_at,
  activatedAt: row.activated_at,
  onlineAt: row.online_at,
});

const jobView = (row: ImportJobRow) => ({
  applyId: row.apply_id,
  kind: row.kind,
  productKey: row.product_key,
  status: row.status,
  total: row.total,
  done: row.next_seq,
  failure: row.failure,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const jobRowView = (row: Omit<ImportRow, 'secret_sealed'>) => ({ deviceName: row.device_name, sn: row.sn, nickname: row.nickname, iotId: row.iot_id, state: row.state });

const HubProductParams = Type.Object({ accountId: Type.String(), productId: Type.String() });
/** UpdateProductDynamicRegister's settings, with its documented ranges. */
const HubDynamicRegistration = Type.Object(
  {
    registerType: Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(2)], { description: '0 off, 1 pre-created devices only, 2 auto-create' }),
    registerLimit: Type.Integer({ minimum: 0, maximum: MAX_REGISTER_LIMIT, description: 'devices RegisterType 2 may create' }),
  },
  { additionalProperties: false },
);
const ProductParams = Type.Object({ accountId: Type.String(), productKey: Type.String() });
const JobParams = Type.Object({ accountId: Type.String(), applyId: Type.Integer({ minimum: 1 }) });

async function ownHubProduct(runtime: Runtime, accountId: string, productId: string): Promise<HubProductRow> {
  const product = await findHubProduct(runtime.store.db, accountId, productId);
  if (!product) throw notFound('ProductNotFound', `account ${accountId} has no IoT Hub product ${productId}`);
  return product;
}

async function ownProduct(runtime: Runtime, accountId: string, productKey: string): Promise<ProductRow> {
  const product = await findProductByKey(runtime.store.db, productKey);
  if (product?.account_id !== accountId) throw notFound('ProductNotFound', `account ${accountId} has no IoT Platform product ${productKey}`);
  return product;
}

async function ownJob(runtime: Runtime, accountId: string, applyId: number): Promise<ImportJobRow> {
  const job = await findAccountImportJob(runtime.store.db, accountId, applyId);
  if (!job) throw notFound('JobNotFound', `account ${accountId} has no job ${applyId}`);
  return job;
}

export const iotHubRoutes = [
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/iothub/products',
    access: 'own',
    schema: { params: AccountParams, querystring: PagedQuery({ q: Prefix }) },
    handle: async ({ runtime, params, query }) => pageAnswer(await hubProductPage(runtime.store.db, params.accountId, query.q, keysetPage(query, ['string'])), hubProductView),
  }),
  consoleRoute({
    method: 'POST',
    url: '/accounts/:accountId/iothub/products/:productId/secret',
    access: 'own',
    schema: { params: HubProductParams },
    async handle({ runtime, params }) {
      const product = await ownHubProduct(runtime, params.accountId, params.productId);
      return { productId: product.product_id, productSecret: openProductSecret(runtime.secrets, product) };
    },
  }),
  consoleRoute({
    method: 'PUT',
    url: '/accounts/:accountId/iothub/products/:productId/dynamic-registration',
    access: 'own',
    schema: { params: HubProductParams, body: HubDynamicRegistration },
    async handle({ runtime, params, body }) {
      // The same refusals as UpdateProductDynamicRegister, in the console's words.
      const product = await ownHubProduct(runtime, params.accountId, params.productId);
      if (product.forbidden === 1) throw new ConsoleError(409, 'ProductIsForbidden', `product ${product.product_id} is forbidden: lift the ban before changing its registration`);
      if (!DYNAMIC_REGISTER_PRODUCT_TYPES.includes(product.product_type)) {
        throw new ConsoleError(409, 'ProductTypeNotSupport', `product type ${product.product_type} cannot register devices dynamically`);
      }
      const updated = await updateDynamicRegister(runtime.store.db, params.accountId, params.productId, body.registerType, body.registerLimit);
      if (!updated) throw notFound('ProductNotFound', `account ${params.accountId} has no IoT Hub product ${params.productId}`);
      return hubProductView(updated);
    },
  }),
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/iothub/products/:productId/devices',
    access: 'own',
    schema: { params: HubProductParams, querystring: PagedQuery({ q: Prefix, online: Type.Optional(Type.Boolean()) }) },
    async handle({ runtime, params, query }) {
      await ownHubProduct(runtime, params.accountId, params.productId);
      const page = await hubDevicePage(runtime.store.db, params.accountId, params.productId, { namePrefix: query.q, online: query.online }, keysetPage(query, ['string']));
      return pageAnswer(page, hubDeviceView);
    },
  }),
];

export const iotPlatformRoutes = [
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/iot/instances',
    access: 'own',
    schema: { params: AccountParams },
    handle: async ({ runtime, params }) => wholeList(await listEnterpriseInstances(runtime.store.db, params.accountId)),
  }),
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/iot/products',
    access: 'own',
    schema: { params: AccountParams, querystring: PagedQuery({ q: Prefix, instanceId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }) },
    async handle({ runtime, params, query }) {
      const instanceId = query.instanceId === undefined ? undefined : await findInstanceId(runtime.store.db, params.accountId, query.instanceId);
      if (query.instanceId !== undefined && instanceId === undefined) throw notFound('InstanceNotFound', `account ${params.accountId} has no instance ${query.instanceId}`);
      return pageAnswer(await productPage(runtime.store.db, params.accountId, { instanceId, namePrefix: query.q }, keysetPage(query, ['string'])), productAdminView);
    },
  }),
  consoleRoute({
    method: 'PUT',
    url: '/accounts/:accountId/iot/products/:productKey/dynamic-registration',
    access: 'own',
    schema: { params: ProductParams, body: Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false }) },
    async handle({ runtime, params, body }) {
      await ownProduct(runtime, params.accountId, params.productKey);
      return switchDynamicRegistration(runtime, params.productKey, body.enabled);
    },
  }),
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/iot/products/:productKey/devices',
    access: 'own',
    schema: { params: ProductParams, querystring: PagedQuery({ q: Prefix }) },
    async handle({ runtime, params, query }) {
      await ownProduct(runtime, params.accountId, params.productKey);
      return pageAnswer(await devicePage(runtime.store.db, params.accountId, params.productKey, query.q, keysetPage(query, ['string'])), iotDeviceView);
    },
  }),
  consoleRoute({
    method: 'POST',
    url: '/accounts/:accountId/iot/products/:productKey/imports',
    access: 'own',
    schema: { params: ProductParams },
    handle: async (call) => {
      const product = await ownProduct(call.runtime, call.params.accountId, call.params.productKey);
      const iotInstanceId = productAdminView(product).iotInstanceId ?? undefined;
      return startCsvImport(call, () => prepareDeviceImport(call.runtime, call.params.accountId, product.product_key, iotInstanceId));
    },
  }),
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/iot/jobs',
    access: 'own',
    schema: { params: AccountParams, querystring: PagedQuery({ productKey: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }) },
    handle: async ({ runtime, params, query }) => pageAnswer(await importJobPage(runtime.store.db, params.accountId, query.productKey, keysetPage(query, ['number'])), jobView),
  }),
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/iot/jobs/:applyId',
    access: 'own',
    schema: { params: JobParams },
    handle: async ({ runtime, params }) => jobView(await ownJob(runtime, params.accountId, params.applyId)),
  }),
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/iot/jobs/:applyId/rows',
    access: 'own',
    schema: { params: JobParams, querystring: PagedQuery({ valid: Type.Boolean({ default: true }) }) },
    async handle({ runtime, params, query }) {
      const job = await ownJob(runtime, params.accountId, params.applyId);
      return pageAnswer(await importOutcomePage(runtime.store.db, job, query.valid ? 'valid' : 'invalid', keysetPage(query, ['number'])), jobRowView);
    },
  }),
];
