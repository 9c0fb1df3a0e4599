import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';
import type { SecretBox } from '../../../../core/secret-box.ts';
import type { IotcloudProductRow, RegisterType } from '../tables.ts';
import { isForeignKeyViolation } from '../../../../storage/constraints.ts';
import { StoreRefusal } from '../../../../storage/store-refusal.ts';
import { preparedQuery } from '../../../../storage/prepared-query.ts';
import { brokenUniqueRule } from './constraints.ts';
import { readKeysetPage, startsWith, type Keyed, type KeysetPage } from '../../../../storage/keyset.ts';
import { ensureAccount } from './accounts.ts';
import { newProductId, newProductSecret } from '../ids.ts';

/** IoT Hub limit: products per account (LimitExceeded.ProductExceedLimit). */
export const MAX_PRODUCTS_PER_ACCOUNT = 2_000;

export type ProductRow = Selectable<IotcloudProductRow>;

/** What CreateProduct decides; the id, secret, counters and time are the store's. */
export type ProductFields = Omit<IotcloudProductRow, 'product_id' | 'account_id' | 'secret_sealed' | 'forbidden' | 'device_count' | 'dynamic_device_count' | 'created_at'>;

const productSealingContext = (productId: string): string => `iotcloud.product:${productId}`;

/** The ProductSecret of a stored product, in the clear. */
export const openProductSecret = (secrets: SecretBox, row: Pick<ProductRow, 'product_id' | 'secret_sealed'>): string =>
  secrets.open(row.secret_sealed, productSealingContext(row.product_id));

/**
 * Why CreateProduct's write was refused: the account is full, has a product of that name, the
 * named private CA is gone, or a pinned ProductId is in use.
 */
export type ProductRefusal = StoreRefusal<'quota' | 'name-taken' | 'ca-gone' | 'id-taken'>;

/** A ProductId and ProductSecret a fixture pins instead of fresh ones. */
export interface PinnedProduct {
  readonly productId?: string;
  readonly secret?: string;
}

/**
 * Creates a product with a fresh ProductId and ProductSecret (or pinned ones). The account's
 * product counter is raised by a conditional UPDATE in the same transaction, so concurrent
 * creations never pass the quota. Throws a ProductRefusal.
 */
export async function createProduct(
  db: Kysely<Database>,
  secrets: SecretBox,
  accountId: string,
  fields: ProductFields,
  now: number,
  pinned: PinnedProduct = {},
): Promise<{ row: ProductRow; secret: string }> {
  await ensureAccount(db, accountId, now);
  for (;;) {
    const productId = pinned.productId ?? newProductId();
    const secret = pinned.secret ?? newProductSecret();
    const row: ProductRow = {
      ...fields,
      product_id: productId,
      account_id: accountId,
      secret_sealed: secrets.seal(secret, productSealingContext(productId)),
      forbidden: 0,
      device_count: 0,
      dynamic_device_count: 0,
      created_at: now,
    };
    try {
      return await db.transaction().execute(async (tx) => {
        const counted = await tx
          .updateTable('iotcloud_accounts')
          .set((eb) => ({ product_count: eb('product_count', '+', 1) }))
          .where('account_id', '=', accountId)
          .where('product_count', '<', MAX_PRODUCTS_PER_ACCOUNT)
          .executeTakeFirst();
        if (counted.numUpdatedRows === 0n) throw new StoreRefusal('quota');
        await tx.insertInto('iotcloud_products').values(row).execute();
        return { row, secret };
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) throw new StoreRefusal('ca-gone');
      const rule = brokenUniqueRule(error);
      if (rule === 'iotcloud_products_name_unique') throw new StoreRefusal('name-taken');
      if (rule !== 'iotcloud_products_pkey') throw error;
      if (pinned.productId !== undefined) throw new StoreRefusal('id-taken');
      // A random ProductId collided: draw another.
    }
  }
}

const productById = preparedQuery((db: Kysely<Database>, productId: string, accountId: string) =>
  db.selectFrom('iotcloud_products').selectAll().where('product_id', '=', productId).where('account_id', '=', accountId),
);

/** The account's product of that id. */
export async function findProduct(db: Kysely<Database>, accountId: string, productId: string): Promise<ProductRow | undefined> {
  return (await productById(db, productId, accountId))[0];
}

/** The account's product of that name (names are unique in an account). */
export async function findProductByName(db: Kysely<Database>, accountId: string, productName: string): Promise<ProductRow | undefined> {
  return db.selectFrom('iotcloud_products').selectAll().where('account_id', '=', accountId).where('product_name', '=', productName).executeTakeFirst();
}

const productOfAnyAccount = preparedQuery((db: Kysely<Database>, productId: string) => db.selectFrom('iotcloud_products').selectAll().where('product_id', '=', productId));

/**
 * A product by id whatever its account: for the device side only, where the ProductId (and the
 * signature made with its secret) is all a device presents. Everything after is scoped to `account_id`.
 */
export async function findProductForDevice(db: Kysely<Database>, productId: string): Promise<ProductRow | undefined> {
  return (await productOfAnyAccount(db, productId))[0];
}

/** One page of the account's products, oldest first, and how many it has. */
export async function listProducts(db: Kysely<Database>, accountId: string, window: { offset: number; limit: number }): Promise<{ total: number; rows: ProductRow[] }> {
  const scope = db.selectFrom('iotcloud_products').where('account_id', '=', accountId);
  const [count, rows] = await Promise.all([
    scope.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    scope.selectAll().orderBy('created_at').orderBy('product_id').limit(window.limit).offset(window.offset).execute(),
  ]);
  return { total: Number(count.n), rows };
}

/** The account's products bound to a private CA, oldest first. */
export async function listProductsOfCa(db: Kysely<Database>, accountId: string, certName: string, window: { offset: number; limit: number }): Promise<ProductRow[]> {
  return db
    .selectFrom('iotcloud_products')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('private_ca_name', '=', certName)
    .orderBy('created_at')
    .orderBy('product_id')
    .limit(window.limit)
    .offset(window.offset)
    .execute();
}

/** Why DeleteProduct's write was refused. */
export type DeleteProductRefusal = StoreRefusal<'has-devices'>;

/**
 * Deletes a product that has no device, giving its place back to the account quota in the same
 * transaction; false when there is no such product. The emptiness check is the DELETE's own
 * condition (and the devices' foreign key), so a device created meanwhile keeps the product.
 * Throws StoreRefusal('has-devices').
 */
export async function deleteProduct(db: Kysely<Database>, accountId: string, productId: string): Promise<boolean> {
  try {
    return await db.transaction().execute(async (tx) => {
      const deleted = await tx
        .deleteFrom('iotcloud_products')
        .where('product_id', '=', productId)
        .where('account_id', '=', accountId)
        .where('device_count', '=', 0)
        .executeTakeFirst();
      if (deleted.numDeletedRows === 0n) {
        const exists = await tx.selectFrom('iotcloud_products').select('product_id').where('product_id', '=', productId).where('account_id', '=', accountId).executeTakeFirst();
        if (exists) throw new StoreRefusal('has-devices');
        return false;
      }
      await tx
        .updateTable('iotcloud_accounts')
        .set((eb) => ({ product_count: eb('product_count', '-', 1) }))
        .where('account_id', '=', accountId)
        .execute();
      return true;
    });
  } catch (error) {
    throw isForeignKeyViolation(error) ? new StoreRefusal('has-devices') : error;
  }
}

/**
 * Sets the forbidden flag of several of the account's products at once: all of them or, when one
 * is not the account's, none. Returns the ids that do not exist (nothing written then).
 */
export async function setProductsForbidden(db: Kysely<Database>, accountId: string, productIds: readonly string[], forbidden: boolean): Promise<string[]> {
  const unique = [...new Set(productIds)];
  return db.transaction().execute(async (tx) => {
    const found = await tx.selectFrom('iotcloud_products').select('product_id').where('account_id', '=', accountId).where('product_id', 'in', unique).execute();
    const known = new Set(found.map((r) => r.product_id));
    const missing = unique.filter((id) => !known.has(id));
    if (missing.length > 0) return missing;
    await tx
      .updateTable('iotcloud_products')
      .set({ forbidden: forbidden ? 1 : 0 })
      .where('account_id', '=', accountId)
      .where('product_id', 'in', unique)
      .execute();
    return [];
  });
}

/** Sets a product's dynamic registration; the updated row, or undefined when there is no such product. */
export async function updateDynamicRegister(
  db: Kysely<Database>,
  accountId: string,
  productId: string,
  registerType: RegisterType,
  registerLimit: number,
): Promise<ProductRow | undefined> {
  await db
    .updateTable('iotcloud_products')
    .set({ register_type: registerType, register_limit: registerLimit })
    .where('product_id', '=', productId)
    .where('account_id', '=', accountId)
    .execute();
  return findProduct(db, accountId, productId);
}

/** One page of the account's products by name (the unique index), optionally by name prefix. */
export async function productPage(db: Kysely<Database>, accountId: string, namePrefix: string | undefined, page: KeysetPage): Promise<Keyed<ProductRow>> {
  const query = db
    .selectFrom('iotcloud_products')
    .selectAll()
    .where('account_id', '=', accountId)
    .$if(namePrefix !== undefined, (q) => q.where(startsWith('product_name', namePrefix!)));
  return readKeysetPage(query, { columns: ['product_name'], direction: 'asc', position: (row) => [row.product_name] }, page);
}
