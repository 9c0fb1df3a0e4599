import { randomUUID } from 'node:crypto';
import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { TencentError } from '../../../protocols/tencent/errors.ts';
import { isUniqueViolation } from '../../../storage/constraints.ts';
import { unmetStatement } from '../../../storage/atomic-write.ts';
import { priceOf } from '../../../billing/prices.ts';
import { PACKAGE_REGIONS, PACKAGE_TIERS, packageExpiry, packagePriceItem } from './flow-packages.ts';
import { DEVICES_GONE, devicesHoldingRegion, packageStatements } from './store/flow-packages.ts';
import { ownedDeviceIds } from './store/devices.ts';
import { invalidParameter } from './package-errors.ts';
import { checkMayOrder, payOrder, voucherChoice } from './paying.ts';

/** ResourceId shaped like the spec's example (`56d11777-50f7-4c60-9c89-e7076c8529a9-0`). */
const newResourceId = (): string => `${randomUUID()}-0`;

const resourceInUse = (deviceId: string, region: number) =>
  new TencentError('ResourceInUse', { detail: `The resource is occupied: device ${deviceId} is bound to a traffic package of region ${region} that has not expired.` });

/**
 * OrderFlowPackage: buys one month of a traffic package for 1 to 5 of the caller's devices (as
 * many as the tier binds), paid from the balance and at most one voucher. A device holds at most
 * one unexpired package per region: a second order for it is ResourceInUse, also when the two
 * race (the holds' primary key decides, and the loser is charged nothing).
 */
export const OrderFlowPackage = defineAction({
  name: 'OrderFlowPackage',
  request: mnaSpec.actions.OrderFlowPackage.request,
  async handle(ctx, params) {
    const { PackageType, DeviceList, AutoRenewFlag, PackageRegion, FlowTruncFlag, AutoVoucher, VoucherIds } = params;
    const tier = Object.hasOwn(PACKAGE_TIERS, PackageType) ? PACKAGE_TIERS[PackageType]! : undefined;
    if (!tier) throw invalidParameter('PackageType', `The value of parameter \`PackageType\` is invalid: it must be one of ${Object.keys(PACKAGE_TIERS).join(', ')}.`);
    if (!(PACKAGE_REGIONS as readonly number[]).includes(PackageRegion)) {
      throw invalidParameter('PackageRegion', 'The value of parameter `PackageRegion` is invalid: it must be 0 (Chinese mainland) or 1 (outside the Chinese mainland).');
    }
    if (AutoRenewFlag && FlowTruncFlag) throw invalidParameter('FlowTruncFlag', 'Auto-renewal conflicts with traffic truncation: enable at most one of `AutoRenewFlag` and `FlowTruncFlag`.');
    if (DeviceList.length === 0) throw invalidParameter('DeviceList', 'The parameter `DeviceList` must name at least one device.');
    const repeated = DeviceList.find((id, i) => DeviceList.indexOf(id) !== i);
    if (repeated !== undefined) throw invalidParameter('DeviceList', `The parameter \`DeviceList\` names device ${repeated} twice.`);
    if (DeviceList.length > tier.devices) {
      throw new TencentError('LimitExceeded', { detail: `The quota limit is exceeded: ${PackageType} binds up to ${tier.devices} device(s), DeviceList names ${DeviceList.length}.` });
    }
    const voucher = voucherChoice(AutoVoucher, VoucherIds);
    await checkMayOrder(ctx);
    const { db } = ctx.store;
    const owned = await ownedDeviceIds(db, ctx.accountId, DeviceList);
    const missing = DeviceList.find((id) => !owned.has(id));
    if (missing !== undefined) throw new TencentError('OperationDenied', { detail: `The device does not exist or is currently unavailable: ${missing}.` });
    const now = ctx.now();
    const held = await devicesHoldingRegion(db, ctx.accountId, DeviceList, PackageRegion, now);
    const busy = DeviceList.find((id) => held.has(id));
    if (busy !== undefined) throw resourceInUse(busy, PackageRegion);
    const price = await priceOf(db, packagePriceItem(PackageType, PackageRegion));
    const resourceId = newResourceId();
    const row = {
      resource_id: resourceId,
      account_id: ctx.accountId,
      package_type: PackageType,
      region: PackageRegion,
      capacity_mb: tier.capacityMb,
      renew_flag: AutoRenewFlag ? 1 : 0,
      trunc_flag: FlowTruncFlag ? 1 : 0,
      price,
      created_at: now,
      active_at: now,
      expire_at: packageExpiry(now),
      renewals: 0,
    };
    const statements = packageStatements(db, row, DeviceList);
    try {
      await payOrder(ctx, { amount: price, voucher, action: 'OrderFlowPackage', resource: resourceId, deviceId: DeviceList.length === 1 ? DeviceList[0] : undefined, now }, () => statements);
    } catch (error) {
      // A device deleted since it was read: nothing of this order was written or charged.
      if (unmetStatement(error) === DEVICES_GONE) throw new TencentError('OperationDenied', { detail: 'The device does not exist or is currently unavailable.' });
      // Another order took a hold meanwhile: nothing of this one was written or charged.
      if (!isUniqueViolation(error)) throw error;
      const taken = await devicesHoldingRegion(db, ctx.accountId, DeviceList, PackageRegion, now);
      throw resourceInUse(DeviceList.find((id) => taken.has(id)) ?? DeviceList[0]!, PackageRegion);
    }
    return { ResourceId: resourceId };
  },
});
