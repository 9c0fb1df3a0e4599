import { AlibabaError } from '../../../protocols/alibaba/errors.ts';
import { MAX_DEVICES_PER_PRODUCT } from './store/devices.ts';
import type { ProductRow } from './store/products.ts';

/** Devices one apply takes at most (BatchCheckImportDevice, BatchCheckDeviceNames, BatchRegisterDevice). */
export const MAX_APPLY_DEVICES = 10_000;

/**
 * Early, friendly refusal of an apply the product has no room for. The job runner's conditional
 * counter update is what enforces the quota when applies race.
 */
export function refuseBeyondQuota(product: Pick<ProductRow, 'device_count'>, devices: number): void {
  if (product.device_count + devices > MAX_DEVICES_PER_PRODUCT) throw new AlibabaError('iot.device.DeviceCountExceeded');
}
