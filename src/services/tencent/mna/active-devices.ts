import type { DeviceTimeline } from './store/device-records.ts';
import type { LicenseType } from './licensing.ts';

/**
 * Active-device statistics (GetActiveDeviceCount, DownloadActiveDeviceCount), pure. A device is
 * active in a period when it existed (activated or added, not yet deleted) at some moment of it;
 * it counts under the license type it had at its last moment in the period. Periods follow
 * Beijing time (UTC+8), the time zone of Tencent Cloud's bills: days, weeks from Monday,
 * calendar months.
 */

/** Period: 0 day, 1 week, 2 month. */
export const PERIODS = [0, 1, 2] as const;
export type Period = (typeof PERIODS)[number];

const BEIJING_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** The start (epoch ms) of the period containing `t`. */
export function periodStart(period: Period, t: number): number {
  const local = t + BEIJING_OFFSET_MS;
  const dayStart = local - (((local % DAY_MS) + DAY_MS) % DAY_MS);
  if (period === 0) return dayStart - BEIJING_OFFSET_MS;
  if (period === 1) {
    // 1970-01-01 was a Thursday: Monday is 3 days on from a multiple of 7 days.
    const sinceMonday = (((dayStart / DAY_MS - 4) % 7) + 7) % 7;
    return dayStart - sinceMonday * DAY_MS - BEIJING_OFFSET_MS;
  }
  const date = new Date(local);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) - BEIJING_OFFSET_MS;
}

/** The start of the period after the one starting at `start`. */
export function nextPeriodStart(period: Period, start: number): number {
  if (period === 0) return start + DAY_MS;
  if (period === 1) return start + 7 * DAY_MS;
  const date = new Date(start + BEIJING_OFFSET_MS);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) - BEIJING_OFFSET_MS;
}

/** A Beijing-time date, `2024-11-20`, as the spec's Time, StartTime and EndTime examples show. */
export function beijingDate(t: number): string {
  return new Date(t + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** The start of every period that [from, to] touches, in order; at most `limit` of them. */
export function periodStarts(period: Period, from: number, to: number, limit = Infinity): number[] {
  const starts: number[] = [];
  for (let start = periodStart(period, from); start <= to && starts.length < limit; start = nextPeriodStart(period, start)) starts.push(start);
  return starts;
}

export interface ActiveCount {
  /** The period's first day, `2024-11-20`. */
  readonly Time: string;
  readonly Count: number;
}

/**
 * Counts active devices per period over [from, to], each period clipped to that window and to
 * `asOf` (what is known so far: later periods count nothing). `licenseType` keeps only devices
 * of that type.
 */
export function countActive(
  timelines: readonly DeviceTimeline[],
  window: { readonly period: Period; readonly from: number; readonly to: number; readonly asOf: number; readonly licenseType?: LicenseType },
): ActiveCount[] {
  const { period, from, to, asOf, licenseType } = window;
  const starts = periodStarts(period, from, to);
  const counts = starts.map(() => 0);
  for (const [i, start] of starts.entries()) {
    const lo = Math.max(start, from);
    const hi = Math.min(nextPeriodStart(period, start) - 1, to, asOf);
    if (lo > hi) continue;
    for (const device of timelines) {
      const type = typeAtLastActiveMoment(device, lo, hi);
      if (type !== undefined && (licenseType === undefined || type === licenseType)) counts[i]! += 1;
    }
  }
  return starts.map((start, i) => ({ Time: beijingDate(start), Count: counts[i]! }));
}

/** The device's license type at its last moment within [lo, hi], or undefined if it did not exist then. */
function typeAtLastActiveMoment(device: DeviceTimeline, lo: number, hi: number): LicenseType | undefined {
  if (device.activatedAt > hi) return undefined;
  // Deleted at `deletedAt`: it existed until just before.
  const last = device.deletedAt === null ? hi : Math.min(hi, device.deletedAt - 1);
  if (last < lo || last < device.activatedAt) return undefined;
  let type: LicenseType | undefined;
  for (const license of device.licenses) {
    if (license.from > last) break;
    type = license.type;
  }
  return type;
}
