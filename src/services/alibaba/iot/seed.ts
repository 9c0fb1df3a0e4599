import { Type } from '@sinclair/typebox';
import { defineSeedSection, SeedRefused, type SeedContext } from '../../../emulator/seed/seed-section.ts';
import { AlibabaError } from '../../../protocols/alibaba/errors.ts';
import { StoreRefusal } from '../../../storage/store-refusal.ts';
import { productFields } from './CreateProduct.ts';
import { createProduct, findProductByName } from './store/products.ts';
import { ensureDefaultInstance } from './store/instances.ts';
import { findDeviceByName, registerDevice } from './store/devices.ts';
import { defaultInstanceId, newDeviceSecret } from './ids.ts';
import { isDeviceName, isImportedDeviceSecret, isNickname, isProductKey, isSn } from './rules.ts';

const Device = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 32, description: 'DeviceName' }),
    secret: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'DeviceSecret (default: generated)' })),
    sn: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    nickname: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);

const Product = Type.Object(
  {
    account: Type.String({ minLength: 1, maxLength: 64, description: 'account name' }),
    name: Type.String({ minLength: 1, maxLength: 64, description: 'ProductName, unique in the account’s default instance' }),
    nodeType: Type.Optional(Type.Integer({ description: 'NodeType: 0 (default) device, 1 gateway' })),
    description: Type.Optional(Type.String({ maxLength: 100 })),
    productKey: Type.Optional(Type.String({ minLength: 11, maxLength: 11, description: 'pinned ProductKey (default: generated)' })),
    productSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'pinned ProductSecret (default: generated)' })),
    devices: Type.Optional(Type.Array(Device, { maxItems: 100_000 })),
  },
  { additionalProperties: false },
);

const PRODUCT_REFUSALS: Readonly<Record<string, string>> = {
  quota: 'the instance already has 1,000 products',
  'name-taken': 'the product name is taken',
  'key-taken': 'the ProductKey belongs to another product',
  'product-gone': 'the product was deleted meanwhile',
};

/**
 * `iot.products`: IoT Platform products of an account's default instance, with pinned ProductKey
 * and secrets where given, and their devices with pinned DeviceSecrets (what device-side tests
 * need), checked by CreateProduct's and RegisterDevice's own rules. A product is found by name, a
 * device by product and DeviceName.
 */
export const iotSeed = defineSeedSection({
  key: 'iot',
  schema: Type.Object({ products: Type.Optional(Type.Array(Product, { maxItems: 10_000 })) }, { additionalProperties: false }),
  async apply(ctx, { products = [] }) {
    let created = 0;
    for (const [i, entry] of products.entries()) {
      const path = `iot.products[${i}]`;
      const accountId = await ctx.accountId(entry.account, path);
      const { productKey, new: isNew } = await ensureProduct(ctx, path, accountId, entry);
      created += isNew ? 1 : 0;
      for (const [d, device] of (entry.devices ?? []).entries()) created += await ensureDevice(ctx, `${path}.devices[${d}]`, accountId, productKey, device);
    }
    return created;
  },
});

async function ensureProduct(
  ctx: SeedContext,
  path: string,
  accountId: string,
  entry: { name: string; nodeType?: number; description?: string; productKey?: string; productSecret?: string },
): Promise<{ productKey: string; new: boolean }> {
  const { store, secrets, now } = ctx.app;
  const instanceId = defaultInstanceId(accountId);
  const existing = await findProductByName(store.db, accountId, instanceId, entry.name);
  if (existing) {
    if (entry.productKey !== undefined && existing.product_key !== entry.productKey) throw new SeedRefused(path, `product ${entry.name} exists with ProductKey ${existing.product_key}`);
    return { productKey: existing.product_key, new: false };
  }
  if (entry.productKey !== undefined && !isProductKey(entry.productKey)) throw new SeedRefused(path, 'productKey must be 11 letters or digits');
  let fields;
  try {
    fields = productFields({ ProductName: entry.name, NodeType: entry.nodeType ?? 0, Description: entry.description }, undefined);
  } catch (error) {
    if (error instanceof AlibabaError) throw new SeedRefused(path, `CreateProduct refused it: ${error.code}: ${error.message}`);
    throw error;
  }
  await ensureDefaultInstance(store.db, accountId, now());
  try {
    const { row } = await createProduct(store.db, secrets, accountId, instanceId, fields, now(), { productKey: entry.productKey, secret: entry.productSecret });
    return { productKey: row.product_key, new: true };
  } catch (error) {
    if (error instanceof StoreRefusal) throw new SeedRefused(path, PRODUCT_REFUSALS[error.reason as string] ?? error.message);
    throw error;
  }
}

async function ensureDevice(ctx: SeedContext, path: string, accountId: string, productKey: string, device: { name: string; secret?: string; sn?: string; nickname?: string }): Promise<number> {
  const { store, secrets, now } = ctx.app;
  if (await findDeviceByName(store.db, accountId, productKey, device.name)) return 0;
  if (!isDeviceName(device.name)) throw new SeedRefused(path, 'name must be 4 to 32 letters, digits or the characters _ - @ . :');
  if (device.secret !== undefined && !isImportedDeviceSecret(device.secret)) throw new SeedRefused(path, 'secret must be 1 to 32 letters, digits or the characters _ - @ . :');
  if (device.sn !== undefined && !isSn(device.sn)) throw new SeedRefused(path, 'sn must be 1 to 64 letters, digits or _');
  if (device.nickname !== undefined && !isNickname(device.nickname)) throw new SeedRefused(path, 'nickname must be 4 to 64 characters (a CJK character counts 2) of letters, digits or _');
  try {
    await registerDevice(store.db, secrets, accountId, productKey, { deviceName: device.name, secret: device.secret ?? newDeviceSecret(), nickname: device.nickname ?? null, sn: device.sn }, now());
  } catch (error) {
    if (error instanceof StoreRefusal) throw new SeedRefused(path, PRODUCT_REFUSALS[error.reason as string] ?? error.message);
    throw error;
  }
  return 1;
}
