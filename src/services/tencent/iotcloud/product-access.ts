import { TencentError } from '../../../protocols/tencent/errors.ts';
import type { ActionContext } from '../../action-context.ts';
import { findProduct, type ProductRow } from './store/products.ts';
import { isProductIdShape, productNotFound } from './validation.ts';

/** The caller's product of that id, or ResourceNotFound.ProductNotExist (another account's product too). */
export async function productOf(ctx: ActionContext, productId: string): Promise<ProductRow> {
  const product = isProductIdShape(productId) ? await findProduct(ctx.store.db, ctx.accountId, productId) : undefined;
  if (!product) throw productNotFound(productId);
  return product;
}

/** UnauthorizedOperation.ProductIsForbidden for a product SetProductsForbiddenStatus disabled. */
export function assertNotForbidden(product: ProductRow): void {
  if (product.forbidden === 1) {
    throw new TencentError('UnauthorizedOperation.ProductIsForbidden', { detail: `This feature has been disabled for the product (ProductId: ${product.product_id}).` });
  }
}

/** The caller's product, refused when forbidden: what every device-changing action starts with. */
export async function usableProductOf(ctx: ActionContext, productId: string): Promise<ProductRow> {
  const product = await productOf(ctx, productId);
  assertNotForbidden(product);
  return product;
}
