import { randomUUID } from 'node:crypto';
import { idRuns } from '../../../core/ids.ts';
import { defineAction } from '../../cloud-action.ts';
import type { ActionContext } from '../../action-context.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { TencentError } from '../../../protocols/tencent/errors.ts';
import { unmetStatement } from '../../../storage/atomic-write.ts';
import { priceOf } from '../../../billing/prices.ts';
import { checkMayOrder, payOrder, voucherChoice } from './paying.ts';
import {
  ALREADY_LICENSED,
  TARGET_GONE,
  deviceLicenseState,
  hardwareLicenseState,
  licenseGrant,
  rollBackDevice,
  rollBackHardware,
  type RollBackOutcome,
} from './store/licenses.ts';
import type { MnaLicenseRow } from './tables.ts';
import type { Payment } from '../../../billing/payment.ts';

/** OrderPerLicense Type: 0 SDK (the customer's device), 1 CPE (a vendor's hardware not yet activated). */
const TYPES = [0, 1] as const;

/**
 * ResourceIds as the seed shows them, a UUID and `-0`. Licenses are bought all the time: the
 * UUID's first 33 characters are shared by a run of 4,096 whose last three hex digits count, so
 * that consecutive licenses share the pages of the id index, where random ids would make every
 * order write a page of its own at the commit.
 */
const resourceIdRuns = idRuns(() => randomUUID().slice(0, -3), 4096, (n) => n.toString(16).padStart(3, '0'));
const newResourceId = (): string => `${resourceIdRuns()}-0`;

/** The price list item of a permanent license of each Type (billing README). */
const priceItem = (type: number): string => `mna.license.permanent.${type}`;

const deviceNotFound = (deviceId: string) => new TencentError('OperationDenied.DeviceNotFound', { detail: `The device does not exist or is currently unavailable: ${deviceId}.` });
const repeatPurchase = (deviceId: string, why: string) => new TencentError('OperationDenied.RepeatPurchase', { detail: `Repeat purchase: ${deviceId} ${why}.` });

/** Payment failures after which RollBack deletes the device: the order was valid, the money was not there. */
const ROLLED_BACK_ON = new Set<string>(['OperationDenied.InsufficientBalance', 'FailedOperation.TransactionException']);

/**
 * OrderPerLicense: buys a permanent license, paid from the balance and at most one voucher, in
 * one atomic write with the license itself. Type 0 licenses one of the caller's devices; Type 1
 * lets a vendor license its own hardware before activation (DeviceId is then its HardwareId), so
 * the device activated from it is vendor-paid permanent. Checks, in order: Type and VoucherIds
 * (InvalidParameter), the caller (UnauthorizedOperation.NoPermission,
 * OperationDenied.UnauthorizedUser, OperationDenied.NotAllowedToPay), the device
 * (OperationDenied.DeviceNotFound, OperationDenied.RepeatPurchase, OperationDenied for a device
 * whose vendor pays its license monthly), the payment (OperationDenied.InsufficientBalance,
 * FailedOperation.TransactionException). RollBack: see README.md ("Licenses").
 */
export const OrderPerLicense = defineAction({
  name: 'OrderPerLicense',
  request: mnaSpec.actions.OrderPerLicense.request,
  async handle(ctx, { DeviceId, Type, RollBack, AutoVoucher, VoucherIds }) {
    if (!(TYPES as readonly number[]).includes(Type)) throw new TencentError('InvalidParameter', { name: 'Type', detail: 'Type must be 0 (SDK) or 1 (CPE).' });
    const voucher = voucherChoice(AutoVoucher, VoucherIds);
    const now = ctx.now();
    const license: MnaLicenseRow = {
      resource_id: newResourceId(),
      account_id: ctx.accountId,
      type: Type,
      device_id: Type === 0 ? DeviceId : null,
      hardware_id: Type === 1 ? DeviceId : null,
      amount: await priceOf(ctx.store.db, priceItem(Type)),
      voucher_id: null,
      request_id: ctx.requestId,
      created_at: now,
    };
    const order = { amount: license.amount, voucher, action: 'OrderPerLicense', resource: license.resource_id, deviceId: DeviceId, now };
    const grant = (payment: Payment, unchecked?: { readonly userId: string | null }) => licenseGrant(ctx.store.db, { ...license, voucher_id: payment.voucherId }, unchecked);
    // Most orders pass every check: the first write checks them all as it goes, with no read
    // before it; one that refuses the order wrote nothing, and the checks run one by one.
    const unchecked = { userId: ctx.userId ?? null };
    const check = async () => {
      await checkMayOrder(ctx);
      await (Type === 0 ? checkDevice(ctx, DeviceId) : checkHardware(ctx, DeviceId));
    };
    try {
      await payOrder(ctx, order, grant, { own: (payment) => grant(payment, unchecked), check });
    } catch (error) {
      const failure = explainGrantFailure(error, DeviceId);
      if (RollBack === true && failure instanceof TencentError && ROLLED_BACK_ON.has(failure.code)) throw await rollBack(ctx, Type, DeviceId, now, failure);
      throw failure;
    }
    return { ResourceId: license.resource_id };
  },
});

async function checkDevice(ctx: ActionContext, deviceId: string): Promise<void> {
  const state = await deviceLicenseState(ctx.store.db, ctx.accountId, deviceId);
  if (!state) throw deviceNotFound(deviceId);
  if (state.licensed) throw repeatPurchase(deviceId, 'already holds a permanent license');
  if (state.chargingMode === 3) throw repeatPurchase(deviceId, 'holds the permanent license its vendor paid');
  if (state.chargingMode === 2) throw new TencentError('OperationDenied', { detail: `Operation denied: the vendor pays the license of ${deviceId} monthly.` });
}

async function checkHardware(ctx: ActionContext, hardwareId: string): Promise<void> {
  const state = await hardwareLicenseState(ctx.store.db, ctx.accountId, hardwareId);
  if (!state) throw deviceNotFound(hardwareId);
  if (state.licensed || state.chargingMode === 3) throw repeatPurchase(hardwareId, 'already holds a permanent license');
  if (state.status !== 1) throw deviceNotFound(hardwareId);
}

/** The license's own guards, read back: the target went away meanwhile, or another order licensed it first. */
function explainGrantFailure(error: unknown, deviceId: string): unknown {
  const failed = unmetStatement(error);
  if (failed === TARGET_GONE) return deviceNotFound(deviceId);
  if (failed === ALREADY_LICENSED) return repeatPurchase(deviceId, 'already holds a permanent license');
  return error;
}

/** Deletes the device after a failed payment unless a traffic package in effect binds it; the purchase's error is answered either way, its message saying what became of the device. */
async function rollBack(ctx: ActionContext, type: number, deviceId: string, now: number, failure: TencentError): Promise<TencentError> {
  const outcome: RollBackOutcome = type === 0 ? await rollBackDevice(ctx.store.db, ctx.accountId, deviceId, now) : await rollBackHardware(ctx.store.db, ctx.accountId, deviceId);
  const what = { deleted: 'rolled back: the device was deleted', bound: 'not rolled back: the device is bound to a traffic package in effect', kept: 'not rolled back' }[outcome];
  return new TencentError(failure.code, { detail: `${failure.message} (${what}).` });
}
