import { Type } from '@sinclair/typebox';
import { findVendorOfAccount, listVendors, registerVendor, VendorRegistrationError, VENDOR_NAME_PATTERN } from '../../services/tencent/mna/store/vendors.ts';
import { activationHistogram } from '../activation-histogram.ts';
import { vendorHardwarePage, type VendorHardwareView } from '../../services/tencent/mna/store/hardware.ts';
import { devicePage, type DeviceView } from '../../services/tencent/mna/store/devices.ts';
import { groupPage, type GroupView } from '../../services/tencent/mna/store/groups.ts';
import { licensePage } from '../../services/tencent/mna/store/licenses.ts';
import { packagePage, type PackageView } from '../../services/tencent/mna/store/flow-packages.ts';
import type { MnaLicenseRow } from '../../services/tencent/mna/tables.ts';
import { prepareHardwareImport, VENDOR_REFUSAL_STATUS } from '../../services/tencent/mna/admin-routes.ts';
import { startCsvImport } from './imports.ts';
import { ConsoleError, consoleRoute, notFound } from '../console-route.ts';
import { PagedQuery, Prefix, keysetPage, pageAnswer, wholeList } from '../paging.ts';
import { AccountParams } from './params.ts';

const hardwareView = (row: VendorHardwareView) => ({
  hardwareId: row.hardware_id,
  sn: row.sn,
  status: row.status,
  licenseChargingMode: row.license_charging_mode,
  description: row.description,
  createdAt: row.created_at,
  activatedAt: row.activated_at,
  deviceId: row.device_id,
  deviceName: row.device_name,
});

const deviceView = (row: DeviceView) => ({
  deviceId: row.device_id,
  deviceName: row.device_name,
  remark: row.remark,
  groupId: row.group_id,
  groupName: row.group_name,
  hardwareId: row.hardware_id,
  sn: row.sn,
  vendor: row.vendor,
  licensePayMode: row.license_pay_mode,
  accessScope: row.access_scope,
  createdAt: row.created_at,
});

const groupView = (row: GroupView) => ({
  groupId: row.group_id,
  groupName: row.group_name,
  description: row.description,
  deviceCount: row.device_num,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const licenseView = (row: MnaLicenseRow) => ({
  resourceId: row.resource_id,
  type: row.type,
  deviceId: row.device_id,
  hardwareId: row.hardware_id,
  amount: row.amount,
  voucherId: row.voucher_id,
  requestId: row.request_id,
  createdAt: row.created_at,
});

const packageView = (row: PackageView) => ({
  resourceId: row.resource_id,
  packageType: row.package_type,
  region: row.region,
  capacityMb: row.capacity_mb,
  renewFlag: row.renew_flag === 1,
  truncFlag: row.trunc_flag === 1,
  price: row.price,
  devices: row.devices,
  createdAt: row.created_at,
  activeAt: row.active_at,
  expireAt: row.expire_at,
});

const DAY_MS = 86_400_000;

export const mnaRoutes = [
  consoleRoute({ method: 'GET', url: '/mna/vendors', access: 'admin', handle: async ({ runtime }) => wholeList(await listVendors(runtime.store.db)) }),
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/mna/vendor',
    access: 'own',
    schema: { params: AccountParams },
    async handle({ runtime, params }) {
      const vendor = await findVendorOfAccount(runtime.store.db, params.accountId);
      if (!vendor) throw notFound('VendorNotFound', `account ${params.accountId} is not a registered vendor`);
      return vendor;
    },
  }),
  consoleRoute({
    method: 'POST',
    url: '/accounts/:accountId/mna/vendor',
    access: 'own',
    schema: { params: AccountParams, body: Type.Object({ name: Type.String({ pattern: VENDOR_NAME_PATTERN }) }, { additionalProperties: false }) },
    async handle({ runtime, params, body, reply }) {
      try {
        return reply.code(201).send(await registerVendor(runtime.store.db, params.accountId, body.name, runtime.now()));
      } catch (error) {
        if (error instanceof VendorRegistrationError) throw new ConsoleError(VENDOR_REFUSAL_STATUS[error.reason], error.reason, error.message);
        throw error;
      }
    },
  }),
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/mna/hardware',
    access: 'own',
    schema: { params: AccountParams, querystring: PagedQuery({ q: Prefix, status: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])) }) },
    async handle({ runtime, params, query }) {
      const page = await vendorHardwarePage(runtime.store.db, params.accountId, { snPrefix: query.q, status: query.status }, keysetPage(query, ['string']));
      return pageAnswer(page, hardwareView);
    },
  }),
  consoleRoute({
    method: 'POST',
    url: '/accounts/:accountId/mna/hardware/imports',
    access: 'own',
    schema: { params: AccountParams, querystring: Type.Object({ licenseChargingMode: Type.Optional(Type.Integer()) }, { additionalProperties: false }) },
    handle: (call) => startCsvImport(call, () => prepareHardwareImport(call.runtime, call.params.accountId, call.query.licenseChargingMode)),
  }),
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/mna/activations/histogram',
    access: 'own',
    schema: {
      params: AccountParams,
      querystring: Type.Object(
        {
          bucket: Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], { default: 'day' }),
          from: Type.Optional(Type.Integer({ minimum: 0 })),
          to: Type.Optional(Type.Integer({ minimum: 1 })),
        },
        { additionalProperties: false },
      ),
    },
    async handle({ runtime, params, query }) {
      const to = query.to ?? runtime.now();
      return activationHistogram(runtime.store.db, params.accountId, query.bucket, query.from ?? to - 30 * DAY_MS, to);
    },
  }),
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/mna/devices',
    access: 'own',
    schema: { params: AccountParams, querystring: PagedQuery({ q: Prefix, groupId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }) },
    async handle({ runtime, params, query }) {
      return pageAnswer(await devicePage(runtime.store.db, params.accountId, { namePrefix: query.q, groupId: query.groupId }, keysetPage(query, ['string'])), deviceView);
    },
  }),
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/mna/groups',
    access: 'own',
    schema: { params: AccountParams, querystring: PagedQuery({ q: Prefix }) },
    handle: async ({ runtime, params, query }) => pageAnswer(await groupPage(runtime.store.db, params.accountId, query.q, keysetPage(query, ['string'])), groupView),
  }),
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/mna/licenses',
    access: 'own',
    schema: { params: AccountParams, querystring: PagedQuery({}) },
    handle: async ({ runtime, params, query }) => pageAnswer(await licensePage(runtime.store.db, params.accountId, keysetPage(query, ['number', 'string'])), licenseView),
  }),
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/mna/flow-packages',
    access: 'own',
    schema: { params: AccountParams, querystring: PagedQuery({}) },
    handle: async ({ runtime, params, query }) => pageAnswer(await packagePage(runtime.store.db, params.accountId, keysetPage(query, ['number', 'string'])), packageView),
  }),
];
