import { defineAction } from '../../cloud-action.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { AlibabaError } from '../../../protocols/alibaba/errors.ts';
import { requireProduct } from './scope.ts';
import { isDeviceName, isNickname } from './rules.ts';
import { newDeviceSecret } from './ids.ts';
import { MAX_APPLY_DEVICES, refuseBeyondQuota } from './apply-limits.ts';
import { createImportJob } from './store/import-jobs.ts';

interface NamedDevice {
  readonly name: string;
  readonly nickname: string | undefined;
}

/**
 * Submits up to 10,000 DeviceNames (`DeviceName.N`, or `DeviceNameList.N.DeviceName` with an
 * optional `DeviceNickname`) for BatchRegisterDeviceWithApplyId. Formats are checked now: a bad
 * name or nickname stores nothing and answers `Success: false` with the offenders in
 * `Data.InvalidDeviceNameList.InvalidDeviceName[]` / `Data.InvalidDeviceNicknameList.InvalidDeviceNickname[]`.
 * Otherwise the apply is stored in CHECK and the job runner checks, asynchronously, for names given
 * twice or already in the product (CHECK_SUCCESS / CHECK_FAILED in QueryBatchRegisterDeviceStatus).
 */
export const BatchCheckDeviceNames = defineAction({
  name: 'BatchCheckDeviceNames',
  request: iotSpec.actions.BatchCheckDeviceNames.request,
  async handle(ctx, params) {
    // Two lists at once would leave it unclear which one the apply holds.
    if (params.DeviceName !== undefined && params.DeviceNameList !== undefined) throw new AlibabaError('iot.common.InvalidFormattedParameter');
    const devices: NamedDevice[] =
      params.DeviceNameList?.map((row) => ({ name: row.DeviceName ?? '', nickname: row.DeviceNickname || undefined })) ??
      (params.DeviceName ?? []).map((name) => ({ name, nickname: undefined }));
    if (devices.length === 0) throw new AlibabaError('iot.device.NoneDeviceNameElement');
    if (devices.length > MAX_APPLY_DEVICES) throw new AlibabaError('iot.device.TooManyDeviceNamesPerRequest');
    const product = await requireProduct(ctx, params);

    const invalidNames = new Set(devices.filter((d) => !isDeviceName(d.name)).map((d) => d.name));
    const invalidNicknames = new Set(devices.flatMap((d) => (d.nickname !== undefined && !isNickname(d.nickname) ? [d.nickname] : [])));
    if (invalidNames.size > 0 || invalidNicknames.size > 0) {
      const refusal = new AlibabaError(invalidNames.size > 0 ? 'iot.device.InvalidFormattedDeviceName' : 'iot.common.InvalidFormattedParameter');
      return {
        Success: false,
        Code: refusal.code,
        ErrorMessage: refusal.message,
        Data: {
          InvalidDeviceNameList: { InvalidDeviceName: [...invalidNames] },
          InvalidDeviceNicknameList: { InvalidDeviceNickname: [...invalidNicknames] },
        },
      };
    }
    refuseBeyondQuota(product, devices.length);
    // The secret is drawn now and sealed with the row; it is shown once the device exists.
    const rows = devices.map((d) => ({ DeviceName: d.name, DeviceSecret: newDeviceSecret(), Nickname: d.nickname }));
    const applyId = await createImportJob(ctx.store.db, ctx.secrets, ctx.accountId, product.product_key, rows, ctx.now(), 'names');
    return {
      Success: true,
      Data: { ApplyId: applyId, InvalidDeviceNameList: { InvalidDeviceName: [] }, InvalidDeviceNicknameList: { InvalidDeviceNickname: [] } },
    };
  },
});
