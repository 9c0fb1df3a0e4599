import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { TencentError } from '../../../protocols/tencent/errors.ts';
import { callerVendor } from './vendor-access.ts';
import { assertValid, invalidValue } from '../params-rules.ts';
import { checkSerial, checkText } from './validation.ts';
import { updateHardware } from './store/hardware.ts';
import { brokenUniqueRule } from './store/constraints.ts';

/**
 * UpdateHardware: the vendor changes the SN and/or Description of its hardware. An SN the vendor
 * already uses elsewhere is OperationDenied.DuplicateSN; another vendor's HardwareId is unknown
 * here (InvalidParameterValue).
 */
export const UpdateHardware = defineAction({
  name: 'UpdateHardware',
  request: mnaSpec.actions.UpdateHardware.request,
  async handle(ctx, { HardwareId, SN, Description }) {
    const vendor = await callerVendor(ctx);
    assertValid(checkSerial('SN', SN), checkText('Description', Description));
    let found: boolean;
    try {
      found = await updateHardware(ctx.store.db, vendor.accountId, HardwareId, { sn: SN, description: Description });
    } catch (error) {
      if (brokenUniqueRule(error) === 'mna_hardware_sn_unique') throw new TencentError('OperationDenied.DuplicateSN');
      throw error;
    }
    if (!found) throw invalidValue('HardwareId', `the vendor has no hardware ${HardwareId}`);
    return {};
  },
});
