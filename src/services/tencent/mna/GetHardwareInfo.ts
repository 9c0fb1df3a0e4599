import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { TencentError } from '../../../protocols/tencent/errors.ts';
import { hardwareLicense } from './licensing.ts';
import { assertValid } from '../params-rules.ts';
import { checkSerial } from './validation.ts';
import { findActivationTerm, findHardwareBySerial } from './store/hardware.ts';

/**
 * GetHardwareInfo: any authenticated account may ask how a Vendor + SN is licensed (a customer
 * checks before activating). The answer is derived from the vendor's charging mode; the term a
 * customer chose at activation is shown only to that customer and to the vendor.
 */
export const GetHardwareInfo = defineAction({
  name: 'GetHardwareInfo',
  request: mnaSpec.actions.GetHardwareInfo.request,
  async handle(ctx, { Vendor, SN }) {
    assertValid(checkSerial('SN', SN));
    const found = await findHardwareBySerial(ctx.store.db, Vendor, SN);
    if (!found) throw new TencentError('OperationDenied.HardwareNotExist');
    // The customer's chosen term is the owner's and the vendor's business only; asking for it only
    // then also keeps the common pre-activation check a single point read.
    const { owner_account_id: owner, device_id: deviceId } = found;
    const mayKnowTerm = owner !== null && deviceId !== null && (ctx.accountId === found.vendor_account_id || ctx.accountId === owner);
    const term = mayKnowTerm ? await findActivationTerm(ctx.store.db, owner, deviceId) : undefined;
    const license = hardwareLicense(found.license_charging_mode, term ?? null);
    return { LicensePayMode: license.licensePayMode, Payer: license.payer, SN, Vendor };
  },
});
