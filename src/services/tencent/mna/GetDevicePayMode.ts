import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { TencentError } from '../../../protocols/tencent/errors.ts';
import { MAX_BATCH } from './validation.ts';
import { ownedDeviceIds } from './store/devices.ts';
import { packagesInEffect } from './store/flow-packages.ts';
import { PACKAGE_TIERS } from './flow-packages.ts';

/** PayMode 0: no traffic package in effect, so traffic is pay-as-you-go. */
const PAY_AS_YOU_GO = { PayMode: 0, PayModeDesc: 'Pay-as-you-go by traffic' } as const;
/** PayMode 1: a prepaid traffic package (OrderFlowPackage), described as the spec's example does (`50G流量包`). */
const PREPAID = 1;

/**
 * GetDevicePayMode: the payment mode of each listed device of the caller: 1 with the ResourceId
 * of a traffic package in effect (the earliest bought, if several), else 0. A list that is empty
 * or longer than 100 is InvalidParameter (this action documents no InvalidParameterValue); a
 * device the caller does not own is OperationDenied.DeviceNotFound.
 */
export const GetDevicePayMode = defineAction({
  name: 'GetDevicePayMode',
  request: mnaSpec.actions.GetDevicePayMode.request,
  async handle(ctx, { DeviceIdList }) {
    if (DeviceIdList.length === 0 || DeviceIdList.length > MAX_BATCH) {
      throw new TencentError('InvalidParameter', { name: 'DeviceIdList', detail: `DeviceIdList must name 1 to ${MAX_BATCH} devices.` });
    }
    const owned = await ownedDeviceIds(ctx.store.db, ctx.accountId, DeviceIdList);
    const missing = DeviceIdList.find((id) => !owned.has(id));
    if (missing !== undefined) throw new TencentError('OperationDenied.DeviceNotFound', { detail: `The device does not exist or is currently unavailable: ${missing}.` });
    const packages = await packagesInEffect(ctx.store.db, ctx.accountId, DeviceIdList, ctx.now());
    return {
      Result: DeviceIdList.map((DeviceId) => {
        const bound = packages.get(DeviceId);
        if (!bound) return { DeviceId, ...PAY_AS_YOU_GO };
        return { DeviceId, PayMode: PREPAID, PayModeDesc: `${PACKAGE_TIERS[bound.package_type]!.traffic}流量包`, ResourceId: bound.resource_id };
      }),
    };
  },
});
