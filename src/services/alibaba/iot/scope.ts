import type { ActionContext } from '../../action-context.ts';
import { AlibabaError } from '../../../protocols/alibaba/errors.ts';
import { isDeviceName, isIotId, isProductKey } from './rules.ts';
import { findInstanceId } from './store/instances.ts';
import { findProduct, type ProductRow } from './store/products.ts';
import { findDeviceByIotId, findDeviceByName, type DeviceRow } from './store/devices.ts';
import { findImportJob, type ImportJobRow } from './store/import-jobs.ts';

/**
 * The instance a request addresses. An empty IotInstanceId means none (pop-core sends `=` for
 * an empty string); an id the caller's account does not have is iot.system.InstanceNotFound.
 */
export async function requireInstance(ctx: ActionContext, iotInstanceId: string | undefined): Promise<string> {
  const instanceId = await findInstanceId(ctx.store.db, ctx.accountId, iotInstanceId === '' ? undefined : iotInstanceId);
  if (instanceId === undefined) throw new AlibabaError('iot.system.InstanceNotFound');
  return instanceId;
}

/**
 * The caller's product in the addressed instance. A product of an Enterprise instance addressed
 * without its IotInstanceId (or with another one) is not found, as on Alibaba Cloud.
 */
export async function requireProduct(ctx: ActionContext, params: { readonly IotInstanceId?: string; readonly ProductKey: string }): Promise<ProductRow> {
  const instanceId = await requireInstance(ctx, params.IotInstanceId);
  return requireProductIn(ctx, instanceId, params.ProductKey);
}

export async function requireProductIn(ctx: ActionContext, instanceId: string, productKey: string): Promise<ProductRow> {
  checkProductKey(productKey);
  return found(await findProduct(ctx.store.db, ctx.accountId, instanceId, productKey));
}

/**
 * requireProduct's checks and errors around a read that finds the product together with what
 * else the action needs (`read` answers undefined when there is no such product).
 */
export async function requireProductWith<T>(
  ctx: ActionContext,
  params: { readonly IotInstanceId?: string; readonly ProductKey: string },
  read: (instanceId: string) => Promise<T | undefined>,
): Promise<T> {
  const instanceId = await requireInstance(ctx, params.IotInstanceId);
  checkProductKey(params.ProductKey);
  return found(await read(instanceId));
}

// Plain functions around the reads rather than an async wrapper: each async layer costs the
// request a promise and microtask turns.
function checkProductKey(productKey: string): void {
  if (productKey === '') throw new AlibabaError('iot.prod.NullProductKey');
  if (!isProductKey(productKey)) throw new AlibabaError('iot.prod.InvalidFormattedProductkey');
}

function found<T>(product: T | undefined): T {
  if (!product) throw new AlibabaError('iot.prod.NotExistedProduct');
  return product;
}

/** How the single-device actions name a device: IotId, or ProductKey with DeviceName. */
export interface DeviceIdentity {
  readonly IotInstanceId?: string;
  readonly IotId?: string;
  readonly ProductKey?: string;
  readonly DeviceName?: string;
}

/**
 * The caller's device. IotId wins when given (the action pages); otherwise ProductKey and
 * DeviceName are both needed, and each missing one has its own code.
 */
export async function requireDevice(ctx: ActionContext, identity: DeviceIdentity): Promise<{ device: DeviceRow; instanceId: string }> {
  const instanceId = await requireInstance(ctx, identity.IotInstanceId);
  if (identity.IotId !== undefined && identity.IotId !== '') {
    if (!isIotId(identity.IotId)) throw new AlibabaError('iot.device.InvalidIoTId');
    const device = await findDeviceByIotId(ctx.store.db, ctx.accountId, instanceId, identity.IotId);
    if (!device) throw new AlibabaError('iot.device.NotExistedDevice');
    return { device, instanceId };
  }
  if (identity.ProductKey === undefined || identity.ProductKey === '') throw new AlibabaError('iot.prod.NullProductKey');
  if (identity.DeviceName === undefined || identity.DeviceName === '') throw new AlibabaError('iot.device.NullDeviceName');
  const product = await requireProductIn(ctx, instanceId, identity.ProductKey);
  // A name no device can have is reported as such rather than as a missing device.
  if (!isDeviceName(identity.DeviceName)) throw new AlibabaError('iot.device.InvalidFormattedDeviceName');
  const device = await findDeviceByName(ctx.store.db, ctx.accountId, product.product_key, identity.DeviceName);
  if (!device) throw new AlibabaError('iot.device.NotExistedDevice');
  return { device, instanceId };
}

/** The caller's import job of that ApplyId in the addressed instance. */
export async function requireImportJob(ctx: ActionContext, instanceId: string, applyId: number): Promise<ImportJobRow> {
  if (applyId <= 0) throw new AlibabaError('iot.device.InvalidFormattedApplyId');
  const job = await findImportJob(ctx.store.db, ctx.accountId, instanceId, applyId);
  if (!job) throw new AlibabaError('iot.device.DeviceApplyIsNotFound');
  return job;
}

/** An apply addressed with its product (ProductKey and ApplyId): an apply of another product is not found. */
export async function requireApplyOfProduct(
  ctx: ActionContext,
  params: { readonly IotInstanceId?: string; readonly ProductKey: string; readonly ApplyId: number },
): Promise<{ product: ProductRow; job: ImportJobRow }> {
  const instanceId = await requireInstance(ctx, params.IotInstanceId);
  const product = await requireProductIn(ctx, instanceId, params.ProductKey);
  const job = await requireImportJob(ctx, instanceId, params.ApplyId);
  if (job.product_key !== product.product_key) throw new AlibabaError('iot.device.DeviceApplyIsNotFound');
  return { product, job };
}

/**
 * The device QueryClientIds / DeleteClientIds address: by IotId only (their sole identity
 * parameter), so an empty one is a malformed IotId rather than a missing ProductKey.
 */
export async function requireDeviceByIotId(ctx: ActionContext, params: { readonly IotId: string; readonly IotInstanceId?: string }): Promise<DeviceRow> {
  if (params.IotId === '') throw new AlibabaError('iot.device.InvalidIoTId');
  return (await requireDevice(ctx, params)).device;
}
