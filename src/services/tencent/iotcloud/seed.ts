import { Type, type Static } from '@sinclair/typebox';
import { defineSeedSection, SeedRefused, type SeedContext } from '../../../emulator/seed/seed-section.ts';
import { StoreRefusal } from '../../../storage/store-refusal.ts';
import { createProductWith, CreateProduct } from './CreateProduct.ts';
import { CreateDevice } from './CreateDevice.ts';
import { findProductByName, openProductSecret } from './store/products.ts';
import { findDevice, openDevicePsk } from './store/devices.ts';

const Device = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 48, description: 'DeviceName' }),
    psk: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'pinned DevicePsk, base64 (key products; CreateDevice’s DefinedPsk)' })),
  },
  { additionalProperties: false },
);

const Product = Type.Object(
  {
    account: Type.String({ minLength: 1, maxLength: 64, description: 'account name' }),
    name: Type.String({ minLength: 1, maxLength: 32, description: 'ProductName, unique in the account' }),
    productId: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{10}$', description: 'pinned ProductId (default: generated)' })),
    productSecret: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{24}$', description: 'pinned ProductSecret, 24 letters or digits like a generated one' })),
    encryptionType: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('2')], { description: 'EncryptionType: "1" certificate (default), "2" key' })),
    description: Type.Optional(Type.String({ maxLength: 200, description: 'ProductDescription' })),
    registerType: Type.Optional(Type.Integer({ description: 'RegisterType: 0 (default) no dynamic registration, 1 pre-created devices, 2 auto-create' })),
    registerLimit: Type.Optional(Type.Integer({ description: 'RegisterLimit, 0 to 1,000,000' })),
    devices: Type.Optional(Type.Array(Device, { maxItems: 100_000 })),
  },
  { additionalProperties: false },
);

type ProductEntry = Static<typeof Product>;

/**
 * `iotcloud.products`: IoT Hub products by account and name, with pinned ProductId and
 * ProductSecret where given, and their devices by name, with pinned PSKs on key products. New
 * ones go through CreateProduct's and CreateDevice's own checks and writes; an existing product
 * or device whose pinned id, secret or PSK differs is refused.
 */
export const iotcloudSeed = defineSeedSection({
  key: 'iotcloud',
  schema: Type.Object({ products: Type.Optional(Type.Array(Product, { maxItems: 2_000 })) }, { additionalProperties: false }),
  async apply(ctx, { products = [] }) {
    let created = 0;
    for (const [i, entry] of products.entries()) {
      const path = `iotcloud.products[${i}]`;
      const accountId = await ctx.accountId(entry.account, path);
      const { productId, new: isNew } = await ensureProduct(ctx, path, accountId, entry);
      created += isNew ? 1 : 0;
      for (const [d, device] of (entry.devices ?? []).entries()) created += await ensureDevice(ctx, `${path}.devices[${d}]`, accountId, productId, device);
    }
    return created;
  },
});

async function ensureProduct(ctx: SeedContext, path: string, accountId: string, entry: ProductEntry): Promise<{ productId: string; new: boolean }> {
  const { store, secrets } = ctx.app;
  const existing = await findProductByName(store.db, accountId, entry.name);
  if (existing) {
    if (entry.productId !== undefined && existing.product_id !== entry.productId) throw new SeedRefused(path, `product ${entry.name} exists with ProductId ${existing.product_id}`);
    if (entry.productSecret !== undefined && openProductSecret(secrets, existing) !== entry.productSecret) throw new SeedRefused(path, `product ${entry.name} exists with another ProductSecret`);
    return { productId: existing.product_id, new: false };
  }
  const params = {
    ProductName: entry.name,
    ProductProperties: { EncryptionType: entry.encryptionType, ProductDescription: entry.description, RegisterType: entry.registerType, RegisterLimit: entry.registerLimit },
  };
  try {
    const answer = await ctx.callWith(path, accountId, CreateProduct.name, (actionCtx) => createProductWith(actionCtx, params, { productId: entry.productId, secret: entry.productSecret }));
    return { productId: answer.ProductId as string, new: true };
  } catch (error) {
    if (error instanceof StoreRefusal && error.reason === 'id-taken') throw new SeedRefused(path, `ProductId ${entry.productId} belongs to another product`);
    throw error;
  }
}

async function ensureDevice(ctx: SeedContext, path: string, accountId: string, productId: string, device: { name: string; psk?: string }): Promise<number> {
  const existing = await findDevice(ctx.app.store.db, accountId, productId, device.name);
  if (existing) {
    if (device.psk !== undefined && openDevicePsk(ctx.app.secrets, existing) !== device.psk) throw new SeedRefused(path, `device ${device.name} exists with another PSK`);
    return 0;
  }
  await ctx.call(path, accountId, CreateDevice, { ProductId: productId, DeviceName: device.name, DefinedPsk: device.psk });
  return 1;
}
