import { Type, type Static } from '@sinclair/typebox';
import type { AdminModule } from '../../../admin/admin-module.ts';
import { AdminErrorBody, sendAdminError } from '../../../admin/errors.ts';
import { VENDOR_NAME_PATTERN, VendorRegistrationError, findVendorByName, findVendorOfAccount, listVendors, registerVendor } from './store/vendors.ts';
import { importUploadRoute, type PrepareImport } from '../../../bulk-import/admin-routes.ts';
import type { AppContext } from '../../../core/app-context.ts';
import { hardwareImport } from './hardware-import.ts';

const Vendor = Type.Object({
  accountId: Type.String({ description: 'the account that owns the vendor hardware' }),
  name: Type.String({ description: 'the Vendor parameter of ActivateHardware and GetHardwareInfo' }),
  createdAt: Type.Integer({ description: 'epoch milliseconds' }),
});
const RegisterVendorBody = Type.Object({ accountId: Type.String(), name: Type.String({ pattern: VENDOR_NAME_PATTERN }) }, { additionalProperties: false });
const VendorParams = Type.Object({ name: Type.String() });
const HardwareImportQuery = Type.Object(
  { licenseChargingMode: Type.Optional(Type.Integer({ description: 'LicenseChargingMode of rows without that column' })) },
  { additionalProperties: false },
);

/** The HTTP status of each refusal of a vendor registration. */
export const VENDOR_REFUSAL_STATUS = { InvalidVendorName: 400, AccountNotFound: 404, VendorNameTaken: 409, AlreadyVendor: 409 } as const;

/** MNA vendors: register an account as a hardware vendor under a unique name, list, show; import a vendor's SN list. */
export const mnaAdminModule: AdminModule = (app, ctx) => {
  const { db } = ctx.store;

  app.post<{ Body: Static<typeof RegisterVendorBody> }>(
    '/vendors',
    {
      schema: {
        summary: 'Register an account as an MNA hardware vendor',
        tags: ['mna'],
        body: RegisterVendorBody,
        response: { 201: Vendor, 400: AdminErrorBody, 404: AdminErrorBody, 409: AdminErrorBody },
      },
    },
    async (request, reply) => {
      try {
        return reply.code(201).send(await registerVendor(db, request.body.accountId, request.body.name, ctx.now()));
      } catch (error) {
        if (error instanceof VendorRegistrationError) return sendAdminError(reply, VENDOR_REFUSAL_STATUS[error.reason], error.reason, error.message);
        throw error;
      }
    },
  );

  app.get('/vendors', { schema: { summary: 'List MNA vendors', tags: ['mna'], response: { 200: Type.Object({ vendors: Type.Array(Vendor) }) } } }, async () => ({
    vendors: await listVendors(db),
  }));

  app.get<{ Params: Static<typeof VendorParams> }>(
    '/vendors/:name',
    { schema: { summary: 'Show an MNA vendor', tags: ['mna'], params: VendorParams, response: { 200: Vendor, 404: AdminErrorBody } } },
    async (request, reply) => {
      const vendor = await findVendorByName(db, request.params.name);
      return vendor ?? sendAdminError(reply, 404, 'VendorNotFound', `no vendor named ${request.params.name}`);
    },
  );

  importUploadRoute(app, ctx, {
    kind: 'mna-hardware',
    summary: "Import a vendor's SN list (CSV: SN[,LicenseChargingMode][,Description]) as a job, under AddHardware's rules",
    tags: ['mna', 'imports'],
    querystring: HardwareImportQuery,
    prepare: (accountId, query) => prepareHardwareImport(ctx, accountId, query.licenseChargingMode),
  });
};

/** A vendor's SN list import for an account, or why it cannot have one. */
export async function prepareHardwareImport(ctx: AppContext, accountId: string, licenseChargingMode: number | undefined): ReturnType<PrepareImport<unknown>> {
  const vendor = await findVendorOfAccount(ctx.store.db, accountId);
  if (!vendor) return { status: 400, code: 'NotAVendor', message: `account ${accountId} is not a registered vendor` };
  return { target: hardwareImport(vendor.accountId, licenseChargingMode, ctx.now), key: '' };
}
