import { defineAction } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { assertValid, checkOneOf, invalidValue } from '../params-rules.ts';
import { usableProductOf } from './product-access.ts';
import { setDevicesEnableState } from './store/devices.ts';
import { deviceNotFound } from './device-access.ts';
import { MAX_BATCH } from './validation.ts';

/** UpdateDevicesEnableState: Status 1 enables, 0 disables the listed devices, all or none. */
export const UpdateDevicesEnableState = defineAction({
  name: 'UpdateDevicesEnableState',
  request: iotcloudSpec.actions.UpdateDevicesEnableState.request,
  async handle(ctx, { ProductId, DeviceNames, Status }) {
    assertValid(
      DeviceNames.length >= 1 && DeviceNames.length <= MAX_BATCH ? undefined : invalidValue('DeviceNames', `it must list 1 to ${MAX_BATCH} devices`),
      checkOneOf('Status', Status, [0, 1]),
    );
    await usableProductOf(ctx, ProductId);
    const missing = await setDevicesEnableState(ctx.store.db, ctx.accountId, ProductId, DeviceNames, Status, ctx.now());
    if (missing.length > 0) throw deviceNotFound(ProductId, missing[0]!);
    if (Status === 0) ctx.revocations?.notify();
    return {};
  },
});
