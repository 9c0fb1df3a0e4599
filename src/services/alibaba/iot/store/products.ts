import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';
import type { SecretBox } from '../../../../core/secret-box.ts';
import type { IotProductRow } from '../tables.ts';
import { isUniqueViolation } from '../../../../storage/constraints.ts';
import { page, type PageWindow } from '../../../../storage/query-helpers.ts';
import { readKeysetPage, startsWith, type Keyed, type KeysetPage } from '../../../../storage/keyset.ts';
import { preparedQuery } from '../../../../storage/prepared-query.ts';
import { StoreRefusal } from '../../../../storage/store-refusal.ts';
import { newProductKey, newProductSecret } from '../ids.ts';

/** IoT Platform limit: products per instance (iot.prod.ProductCountExceedMax). */
export const MAX_PRODUCTS_PER_INSTANCE = 1_000;

export type ProductRow = Selectable<IotProductRow>;

/** What CreateProduct decides; keys, secret, counters and times are the store's. */
export type ProductFields = Omit<
  IotProductRow,
  'product_key' | 'account_id' | 'instance_id' | 'secret_sealed' | 'device_count' | 'dynamic_registration' | 'created_at'
>;

const productSealingContext = (productKey: string): string => `iot.product:${productKey}`;

/** The ProductSecret of a stored product, in the clear. */
export const openProductSecret = (secrets: SecretBox, row: Pick<ProductRow, 'product_key' | 'secret_sealed'>): string =>
  secrets.open(row.secret_sealed, productSealingContext(row.product_key));

/** Why CreateProduct's write was refused: the instance is full, or has a product of that name. */
export type ProductRefusal = StoreRefusal<'quota' | 'name-taken' | 'key-taken'>;

/**
 * Creates a product in an instance whose row exists. The instance's product counter is raised
 * by a conditional UPDATE in the same transaction, so concurrent creations never pass the quota.
 * Throws a ProductRefusal.
 */
export async function createProduct(
  db: Kysely<Database>,
  secrets: SecretBox,
  accountId: string,
  instanceId: string,
  fields: ProductFields,
  now: number,
  pinned: { readonly productKey?: string; readonly secret?: string } = {},
): Promise<{ row: ProductRow; secret: string }> {
  for (;;) {
    const productKey = pinned.productKey ?? newProductKey();
    const secret = pinned.secret ?? newProductSecret();
    const row: ProductRow = {
      ...fields,
      product_key: productKey,
      account_id: accountId,
      instance_id: instanceId,
      secret_sealed: secrets.seal(secret, productSealingContext(productKey)),
      device_count: 0,
      dynamic_registration: 0,
      created_at: now,
    };
    try {
      return await db.transaction().execute(async (tx) => {
        const counted = await tx
          .updateTable('iot_instances')
          .set((eb) => ({ product_count: eb('product_count', '+', 1) }))
          .where('id', '=', instanceId)
          .where('account_id', '=', accountId)
          .where('product_count', '<', MAX_PRODUCTS_PER_INSTANCE)
          .executeTakeFirst();
        if (counted.numUpdatedRows === 0n) throw new StoreRefusal('quota');
        await tx.insertInto('iot_products').values(row).execute();
        return { row, secret };
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (await isProductNameTaken(db, accountId, instanceId, fields.name)) throw new StoreRefusal('name-taken');
      if (pinned.productKey !== undefined) throw new StoreRefusal('key-taken');
      // Otherwise the random ProductKey collided: draw another.
    }
  }
}

async function isProductNameTaken(db: Kysely<Database>, accountId: string, instanceId: string, name: string): Promise<boolean> {
  return (await findProductByName(db, accountId, instanceId, name)) !== undefined;
}

/** The instance's product of that name (names are unique per instance). */
export async function findProductByName(db: Kysely<Database>, accountId: string, instanceId: string, name: string): Promise<Pick<ProductRow, 'product_key'> | undefined> {
  return db
    .selectFrom('iot_products')
    .select('product_key')
    .where('account_id', '=', accountId)
    .where('instance_id', '=', instanceId)
    .where('name', '=', name)
    .executeTakeFirst();
}

/** The account's product of that key in that instance. */
export async function findProduct(db: Kysely<Database>, accountId: string, instanceId: string, productKey: string): Promise<ProductRow | undefined> {
  return (await productByKey(db, productKey, accountId, instanceId))[0];
}

// Prepared: every IoT action that names a product starts with this read.
const productByKey = preparedQuery((db: Kysely<Database>, productKey: string, accountId: string, instanceId: string) =>
  db.selectFrom('iot_products').selectAll().where('product_key', '=', productKey).where('account_id', '=', accountId).where('instance_id', '=', instanceId),
);

export interface ProductPage {
  readonly total: number;
  readonly rows: readonly ProductRow[];
}

/** One page of an instance's products, newest first, optionally of one commodity code. */
export async function listProducts(
  db: Kysely<Database>,
  accountId: string,
  instanceId: string,
  commodityCode: string | undefined,
  window: PageWindow,
): Promise<ProductPage> {
  let scope = db.selectFrom('iot_products').where('account_id', '=', accountId).where('instance_id', '=', instanceId);
  if (commodityCode !== undefined) scope = scope.where('commodity_code', '=', commodityCode);
  const [count, rows] = await Promise.all([
    scope.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    page(scope.selectAll().orderBy('created_at', 'desc').orderBy('product_key', 'desc'), window).execute(),
  ]);
  return { total: Number(count.n), rows };
}

/**
 * Renames a product and, when given, replaces its description (null clears it); false when there
 * is no such product. Throws StoreRefusal('name-taken').
 */
export async function updateProduct(
  db: Kysely<Database>,
  accountId: string,
  instanceId: string,
  productKey: string,
  change: { readonly name: string; readonly description?: string | null },
): Promise<boolean> {
  try {
    const result = await db
      .updateTable('iot_products')
      .set(change.description === undefined ? { name: change.name } : { name: change.name, description: change.description })
      .where('product_key', '=', productKey)
      .where('account_id', '=', accountId)
      .where('instance_id', '=', instanceId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  } catch (error) {
    throw isUniqueViolation(error) ? new StoreRefusal('name-taken') : error;
  }
}

/**
 * Deletes a product with its devices and import jobs (foreign keys cascade), and gives its
 * place back to the instance quota in the same transaction.
 */
export async function deleteProduct(db: Kysely<Database>, accountId: string, instanceId: string, productKey: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const deleted = await tx
      .deleteFrom('iot_products')
      .where('product_key', '=', productKey)
      .where('account_id', '=', accountId)
      .where('instance_id', '=', instanceId)
      .executeTakeFirst();
    if (deleted.numDeletedRows === 0n) return false;
    await tx
      .updateTable('iot_instances')
      .set((eb) => ({ product_count: eb('product_count', '-', 1) }))
      .where('account_id', '=', accountId)
      .where('id', '=', instanceId)
      .execute();
    return true;
  });
}

/** A product by its key alone (keys are unique platform-wide), whatever its account: for the operator. */
export async function findProductByKey(db: Kysely<Database>, productKey: string): Promise<ProductRow | undefined> {
  return db.selectFrom('iot_products').selectAll().where('product_key', '=', productKey).executeTakeFirst();
}

/** Turns a product's dynamic registration on or off; the product as it now is, undefined when there is none. */
export async function setDynamicRegistration(db: Kysely<Database>, productKey: string, enabled: boolean): Promise<ProductRow | undefined> {
  return db
    .updateTable('iot_products')
    .set({ dynamic_registration: enabled ? 1 : 0 })
    .where('product_key', '=', productKey)
    .returningAll()
    .executeTakeFirst();
}

/** One page of the account's products by ProductKey, optionally of one instance and by name prefix. */
export async function productPage(
  db: Kysely<Database>,
  accountId: string,
  filter: { readonly instanceId?: string | undefined; readonly namePrefix?: string | undefined },
  page: KeysetPage,
): Promise<Keyed<ProductRow>> {
  const query = db
    .selectFrom('iot_products')
    .selectAll()
    .where('account_id', '=', accountId)
    .$if(filter.instanceId !== undefined, (q) => q.where('instance_id', '=', filter.instanceId!))
    .$if(filter.namePrefix !== undefined, (q) => q.where(startsWith('name', filter.namePrefix!)));
  return readKeysetPage(query, { columns: ['product_key'], direction: 'asc', position: (row) => [row.product_key] }, page);
}
