import { defineAction } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { assertValid, checkOneOf } from '../params-rules.ts';
import { checkPage } from './validation.ts';
import { productOf } from './product-access.ts';
import { listDevices } from './store/devices.ts';
import { deviceInfo } from './render.ts';

/** The documented FirmwareVersion value that selects devices without a version. */
const NO_FIRMWARE_VERSION = 'None-FirmwareVersion';

/** DescribeDevices: a product's devices, oldest first; DeviceName, EnableState and FirmwareVersion filter. */
export const DescribeDevices = defineAction({
  name: 'DescribeDevices',
  request: iotcloudSpec.actions.DescribeDevices.request,
  async handle(ctx, { ProductId, Offset, Limit, FirmwareVersion, DeviceName, EnableState }) {
    assertValid(checkPage(Offset, Limit), checkOneOf('EnableState', EnableState, [0, 1]));
    await productOf(ctx, ProductId);
    const filter = {
      ...(DeviceName ? { deviceName: DeviceName } : {}),
      ...(EnableState !== undefined ? { enableState: EnableState } : {}),
      ...(FirmwareVersion ? { firmwareVersion: FirmwareVersion === NO_FIRMWARE_VERSION ? '' : FirmwareVersion } : {}),
    };
    const { total, rows } = await listDevices(ctx.store.db, ctx.accountId, ProductId, filter, { offset: Offset, limit: Limit });
    return { TotalCount: total, Devices: rows.map((row) => deviceInfo(ctx.secrets, row)) };
  },
});
