import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { noSuchDevice } from './ownership.ts';
import { findDevice, listNics } from './store/devices.ts';
import { deviceBaseInfo, deviceNetInfo } from './render.ts';

/** GetDevice: one of the caller's devices, with the NIC settings UpdateDevice stored. */
export const GetDevice = defineAction({
  name: 'GetDevice',
  request: mnaSpec.actions.GetDevice.request,
  async handle(ctx, { DeviceId }) {
    const device = await findDevice(ctx.store.db, ctx.accountId, DeviceId);
    if (!device) throw noSuchDevice('DeviceId', DeviceId);
    const nics = await listNics(ctx.store.db, ctx.accountId, DeviceId);
    return { DeviceDetails: { DeviceBaseInfo: deviceBaseInfo(device), DeviceNetInfo: nics.map(deviceNetInfo) } };
  },
});
