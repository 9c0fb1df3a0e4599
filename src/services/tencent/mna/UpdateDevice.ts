import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { TencentError } from '../../../protocols/tencent/errors.ts';
import { FLOW_TRUNC_MODES } from './device-fields.ts';
import { assertValid, checkAtLeast, checkOneOf, checkRequired, firstProblem } from '../params-rules.ts';
import { checkName, checkText } from './validation.ts';
import { noSuchDevice } from './ownership.ts';
import { mergeNics, updateDevice, type NicPatch } from './store/devices.ts';
import { brokenUniqueRule } from './store/constraints.ts';
import { isForeignKeyViolation } from '../../../storage/constraints.ts';

/** UpdateNetInfo.Type: 0 cellular data, 1 Wi-Fi, 2 wired. */
const NIC_TYPES = [0, 1, 2] as const;

/**
 * UpdateDevice: renames one of the caller's devices (InternalError.DuplicateDeviceName if the
 * name is taken in the account), sets Remark / FlowTrunc, and merges UpdateNetInfo into the NIC
 * settings by NetInfoName (fields left out keep their value), all in one transaction.
 */
export const UpdateDevice = defineAction({
  name: 'UpdateDevice',
  request: mnaSpec.actions.UpdateDevice.request,
  async handle(ctx, { DeviceId, DeviceName, Remark, UpdateNetInfo = [], FlowTrunc }) {
    assertValid(
      checkName('DeviceName', DeviceName),
      checkText('Remark', Remark),
      checkOneOf('FlowTrunc', FlowTrunc, FLOW_TRUNC_MODES),
      ...UpdateNetInfo.map((nic, i) =>
        firstProblem(
          checkRequired(`UpdateNetInfo.${i}.NetInfoName`, nic.NetInfoName),
          checkName(`UpdateNetInfo.${i}.NetInfoName`, nic.NetInfoName),
          checkOneOf(`UpdateNetInfo.${i}.Type`, nic.Type, NIC_TYPES),
          checkAtLeast(`UpdateNetInfo.${i}.UploadLimit`, nic.UploadLimit, 0),
          checkAtLeast(`UpdateNetInfo.${i}.DownloadLimit`, nic.DownloadLimit, 0),
        ),
      ),
    );
    const nics = UpdateNetInfo.map(
      (nic): NicPatch => ({
        net_info_name: nic.NetInfoName!,
        type: nic.Type,
        data_enable: nic.DataEnable === undefined ? undefined : Number(nic.DataEnable),
        upload_limit: nic.UploadLimit,
        download_limit: nic.DownloadLimit,
      }),
    );
    const patch = {
      ...(DeviceName !== undefined && { device_name: DeviceName }),
      ...(Remark !== undefined && { remark: Remark }),
      ...(FlowTrunc !== undefined && { flow_trunc: FlowTrunc }),
    };
    try {
      await ctx.store.db.transaction().execute(async (trx) => {
        if (!(await updateDevice(trx, ctx.accountId, DeviceId, patch))) throw noSuchDevice('DeviceId', DeviceId);
        await mergeNics(trx, ctx.accountId, DeviceId, nics);
      });
    } catch (error) {
      if (brokenUniqueRule(error) === 'mna_devices_name_unique') throw new TencentError('InternalError.DuplicateDeviceName');
      // Deleted by a concurrent DeleteDevice between the two statements.
      if (isForeignKeyViolation(error)) throw noSuchDevice('DeviceId', DeviceId);
      throw error;
    }
    return {};
  },
});
