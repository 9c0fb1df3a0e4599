import type { ActionContext } from '../../action-context.ts';
import { TencentError } from '../../../protocols/tencent/errors.ts';
import { findVendorOfAccount, type Vendor } from './store/vendors.ts';

/** The caller's vendor registration; the vendor-side actions refuse an account that has none. */
export async function callerVendor(ctx: ActionContext): Promise<Vendor> {
  const vendor = await findVendorOfAccount(ctx.store.db, ctx.accountId);
  if (!vendor) throw new TencentError('OperationDenied.VendorNotRegister');
  return vendor;
}
