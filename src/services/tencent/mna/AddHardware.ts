import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { callerVendor } from './vendor-access.ts';
import { CHARGING_MODES } from './licensing.ts';
import { newHardwareId } from './ids.ts';
import { assertValid, checkOneOf, entryError } from '../params-rules.ts';
import { checkBatch, checkSerial, checkText } from './validation.ts';
import { insertHardware, registeredSerials } from './store/hardware.ts';
import { brokenUniqueRule } from './store/constraints.ts';

/**
 * AddHardware: the calling vendor registers a batch of SNs, all or none. An SN given twice in
 * the batch or already registered by this vendor is OperationDenied.DuplicateSN. HardwareId is
 * always assigned here; one passed in is ignored ("no need to pass as an input parameter").
 */
export const AddHardware = defineAction({
  name: 'AddHardware',
  request: mnaSpec.actions.AddHardware.request,
  async handle(ctx, { Hardware }) {
    const vendor = await callerVendor(ctx);
    assertValid(checkBatch('Hardware', Hardware.length));
    const seen = new Set<string>();
    Hardware.forEach((entry, i) => {
      assertValid(
        checkSerial(`Hardware.${i}.SN`, entry.SN),
        checkOneOf(`Hardware.${i}.LicenseChargingMode`, entry.LicenseChargingMode, CHARGING_MODES),
        checkText(`Hardware.${i}.Description`, entry.Description),
      );
      if (seen.has(entry.SN)) throw entryError('OperationDenied.DuplicateSN', `Hardware.${i}.SN`, entry.SN);
      seen.add(entry.SN);
    });
    const now = ctx.now();
    const rows = Hardware.map((entry) => ({
      hardware_id: newHardwareId(),
      sn: entry.SN,
      license_charging_mode: entry.LicenseChargingMode,
      description: entry.Description ?? '',
      status: 1 as const,
      created_at: now,
      activated_at: null,
      owner_account_id: null,
    }));
    try {
      await insertHardware(ctx.store.db, vendor.accountId, rows);
    } catch (error) {
      if (brokenUniqueRule(error) !== 'mna_hardware_sn_unique') throw error;
      // The batch was rolled back; name the first SN that is taken now.
      const taken = await registeredSerials(ctx.store.db, vendor.accountId, Hardware.map((entry) => entry.SN));
      const i = Math.max(0, Hardware.findIndex((entry) => taken.has(entry.SN)));
      throw entryError('OperationDenied.DuplicateSN', `Hardware.${i}.SN`, Hardware[i]!.SN);
    }
    return {
      Hardware: rows.map((row) => ({ SN: row.sn, LicenseChargingMode: row.license_charging_mode, Description: row.description, HardwareId: row.hardware_id })),
    };
  },
});
