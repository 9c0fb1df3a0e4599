import { TencentError } from '../../../protocols/tencent/errors.ts';
import type { ActionContext } from '../../action-context.ts';
import { findDevice, type DeviceRow } from './store/devices.ts';

/** ResourceNotFound.DeviceNotExist naming the device. */
export const deviceNotFound = (productId: string, deviceName: string): TencentError =>
  new TencentError('ResourceNotFound.DeviceNotExist', { detail: `The device does not exist (ProductId: ${productId}, DeviceName: ${deviceName}).` });

/** The caller's device of a product it owns (checked by the caller), or ResourceNotFound.DeviceNotExist. */
export async function deviceOf(ctx: ActionContext, productId: string, deviceName: string): Promise<DeviceRow> {
  const device = await findDevice(ctx.store.db, ctx.accountId, productId, deviceName);
  if (!device) throw deviceNotFound(productId, deviceName);
  return device;
}
