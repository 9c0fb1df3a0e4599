/**
 * Traffic packages (OrderFlowPackage, GetFlowPackages, ModifyPackageRenewFlag): the tiers as the
 * spec lists them and the rules for validity and status. Pure.
 */

export interface PackageTier {
  /** The traffic, as the spec's PayModeDesc example names it (`50G流量包`). */
  readonly traffic: string;
  /** How many devices one package binds at most. */
  readonly devices: number;
  /** CapacitySize in MB (the spec's example shows 50000 for DEVICE_2_FLOW_50G). */
  readonly capacityMb: number;
}

/** The four PackageType values of OrderFlowPackage: "20G: Bind up to 1 device … 500G: Bind up to 5 devices". */
export const PACKAGE_TIERS: Readonly<Record<string, PackageTier>> = {
  DEVICE_1_FLOW_20G: { traffic: '20G', devices: 1, capacityMb: 20_000 },
  DEVICE_2_FLOW_50G: { traffic: '50G', devices: 2, capacityMb: 50_000 },
  DEVICE_3_FLOW_100G: { traffic: '100G', devices: 3, capacityMb: 100_000 },
  DEVICE_5_FLOW_500G: { traffic: '500G', devices: 5, capacityMb: 500_000 },
};

/** PackageRegion: 0 Chinese mainland, 1 outside it. */
export const PACKAGE_REGIONS = [0, 1] as const;

/** Status: 0 not in effect yet, 1 within its validity period, 2 expired. */
export const PACKAGE_STATUSES = [0, 1, 2] as const;
export type PackageStatus = (typeof PACKAGE_STATUSES)[number];

/** The price list item of a package (billing_prices): `mna.flow.<PackageType>.<PackageRegion>`. */
export const packagePriceItem = (packageType: string, region: number): string => `mna.flow.${packageType}.${region}`;

const BEIJING_OFFSET_MS = 8 * 3600_000;

/**
 * A package bought at `start` is valid until one calendar month later (Beijing time), less one
 * second, as in the spec's example (ActiveTime 1734613941, ExpireTime 1737292340). The 31st of
 * a month runs to the last day of the next.
 */
export function packageExpiry(start: number): number {
  const local = new Date(start + BEIJING_OFFSET_MS);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const next = Date.UTC(year, month, Math.min(local.getUTCDate(), lastDay), local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds(), local.getUTCMilliseconds());
  return next - BEIJING_OFFSET_MS - 1000;
}

/** A package's status at `now`. */
export function packageStatus(activeAt: number, expireAt: number, now: number): PackageStatus {
  if (now < activeAt) return 0;
  return now <= expireAt ? 1 : 2;
}
