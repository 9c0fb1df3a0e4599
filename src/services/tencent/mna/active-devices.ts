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
 * of that type. Each device adds to a difference array over the periods, one range per license
 * it held (found by binary search), so the cost is devices × licenses × log(periods), not
 * devices × periods.
 */
export function countActive(
  timelines: readonly DeviceTimeline[],
  window: { readonly period: Period; readonly from: number; readonly to: number; readonly asOf: number; readonly licenseType?: LicenseType },
): ActiveCount[] {
  const { period, from, to, asOf, licenseType } = window;
  const starts = periodStarts(period, from, to);
  // Each period's first and last moment within the window and what is known.
  const lo = starts.map((start) => Math.max(start, from));
  const hi = starts.map((start) => Math.min(nextPeriodStart(period, start) - 1, to, asOf));
  // Periods starting after asOf are a suffix: nothing is known of them.
  const known = firstIndex(lo, (t) => t > asOf);
  const diff = new Array<number>(starts.length + 1).fill(0);
  const add = (first: number, last: number) => {
    if (first > last) return;
    diff[first]! += 1;
    diff[last + 1]! -= 1;
  };
  for (const device of timelines) {
    // The device counts in the periods whose last moment it saw and whose first moment it outlived.
    const first = firstIndex(hi, (t) => t >= device.activatedAt);
    const last = Math.min(known, device.deletedAt === null ? known : firstIndex(lo, (t) => t >= device.deletedAt!)) - 1;
    if (first > last || (device.deletedAt !== null && device.deletedAt <= device.activatedAt)) continue;
    // Its license at each counted period's last moment it existed: hi, or just before its deletion in its last period.
    const moment = (p: number) => (p === last && device.deletedAt !== null ? Math.min(hi[p]!, device.deletedAt - 1) : hi[p]!);
    for (const [k, license] of device.licenses.entries()) {
      if (licenseType !== undefined && license.type !== licenseType) continue;
      const until = device.licenses[k + 1]?.from ?? Infinity;
      // Periods in [first, last] whose moment falls in [license.from, until). Moments rise with p,
      // and before `last` they are the periods' hi.
      const begin = Math.max(first, firstIndex(hi, (t) => t >= license.from));
      const end = moment(last) < until ? last : Math.min(last - 1, firstIndex(hi, (t) => t >= until) - 1);
      if (begin === last && moment(last) < license.from) continue;
      add(begin, end);
    }
  }
  let running = 0;
  return starts.map((start, i) => ({ Time: beijingDate(start), Count: (running += diff[i]!) }));
}

/** The first index whose value satisfies `test`, which holds for a suffix of the sorted values (values.length if none). */
function firstIndex(values: readonly number[], test: (value: number) => boolean): number {
  let [low, high] = [0, values.length];
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (test(values[mid]!)) high = mid;
    else low = mid + 1;
  }
  return low;
}
