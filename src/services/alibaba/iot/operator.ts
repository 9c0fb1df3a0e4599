import type { AppContext } from '../../../core/app-context.ts';
import { StoreRefusal } from '../../../storage/store-refusal.ts';
import { defaultInstanceId } from './ids.ts';
import { findProductByKey, setDynamicRegistration, type ProductRow } from './store/products.ts';
import { findDeviceByName } from './store/devices.ts';
import { recordActivationWithoutConnection } from './store/registration.ts';

/** A product as the operator sees it (admin API and CLI): no secret. */
export interface ProductAdminView {
  readonly productKey: string;
  readonly accountId: string;
  /** Null for the account's default instance. */
  readonly iotInstanceId: string | null;
  readonly name: string;
  readonly nodeType: number;
  readonly deviceCount: number;
  readonly dynamicRegistration: boolean;
  readonly createdAt: number;
}

export const productAdminView = (row: ProductRow): ProductAdminView => ({
  productKey: row.product_key,
  accountId: row.account_id,
  iotInstanceId: row.instance_id === defaultInstanceId(row.account_id) ? null : row.instance_id,
  name: row.name,
  nodeType: row.node_type,
  deviceCount: row.device_count,
  dynamicRegistration: row.dynamic_registration === 1,
  createdAt: row.created_at,
});

/** Why an operator action found nothing to act on; the admin API's error codes. */
export type OperatorRefusal = StoreRefusal<'ProductNotFound' | 'DeviceNotFound'>;

const noProduct = (productKey: string) => new StoreRefusal('ProductNotFound', `no IoT product ${productKey}`);

export async function showProduct(app: AppContext, productKey: string): Promise<ProductAdminView> {
  const row = await findProductByKey(app.store.db, productKey);
  if (!row) throw noProduct(productKey);
  return productAdminView(row);
}

/** The console's "Dynamic Registration" switch of a product. */
export async function switchDynamicRegistration(app: AppContext, productKey: string, enabled: boolean): Promise<ProductAdminView> {
  const row = await setDynamicRegistration(app.store.db, productKey, enabled);
  if (!row) throw noProduct(productKey);
  return productAdminView(row);
}

export interface DeviceActivation {
  readonly productKey: string;
  readonly deviceName: string;
  readonly iotId: string;
  /** ONLINE when the device holds an MQTT connection (activation leaves it so), OFFLINE otherwise. */
  readonly status: 'ONLINE' | 'OFFLINE';
  /** epoch ms of the first authentication (unchanged when the device had activated before). */
  readonly activatedAt: number;
}

/**
 * Stands in for a device's first authentication with its DeviceSecret, for devices that do not
 * connect to Fleetgate's MQTT listener: the device is activated, so dynamic registration refuses
 * it until ResetThing. OFFLINE unless it holds a connection, which it keeps (still ONLINE).
 */
export async function activateDevice(app: AppContext, productKey: string, deviceName: string): Promise<DeviceActivation> {
  const product = await findProductByKey(app.store.db, productKey);
  if (!product) throw noProduct(productKey);
  const missing = new StoreRefusal('DeviceNotFound', `no device ${deviceName} in IoT product ${productKey}`);
  const device = await findDeviceByName(app.store.db, product.account_id, productKey, deviceName);
  if (!device) throw missing;
  const activation = await recordActivationWithoutConnection(app.store.db, device.iot_id, app.now());
  if (activation === undefined) throw missing;
  return { productKey, deviceName, iotId: device.iot_id, status: activation.status === 'ONLINE' ? 'ONLINE' : 'OFFLINE', activatedAt: activation.activatedAt };
}
