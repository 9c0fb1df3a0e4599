import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { beijingDate, countActive, nextPeriodStart, periodStart, periodStarts } from '../../../../src/services/tencent/mna/active-devices.ts';
import type { DeviceTimeline } from '../../../../src/services/tencent/mna/store/device-records.ts';

/** Epoch ms of a Beijing wall-clock time. */
const beijing = (iso: string) => Date.parse(`${iso}+08:00`);

describe('active-device periods (Beijing time)', () => {
  it('days start at Beijing midnight, weeks on Monday, months on the 1st', () => {
    // 07:59 on Wednesday 4 March in Beijing is still the 3rd in UTC.
    const t = beijing('2026-03-04T07:59:00');
    expect(beijingDate(periodStart(0, t))).toBe('2026-03-04');
    expect(periodStart(0, t)).toBe(beijing('2026-03-04T00:00:00'));
    expect(periodStart(1, t)).toBe(beijing('2026-03-02T00:00:00'));
    expect(periodStart(2, t)).toBe(beijing('2026-03-01T00:00:00'));
    expect(nextPeriodStart(2, beijing('2026-12-01T00:00:00'))).toBe(beijing('2027-01-01T00:00:00'));
  });

  it('every instant lies in exactly one period of each kind, and periods tile time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>, (t, period) => {
        const start = periodStart(period, t);
        const next = nextPeriodStart(period, start);
        expect(start).toBeLessThanOrEqual(t);
        expect(next).toBeGreaterThan(t);
        expect(periodStart(period, next)).toBe(next);
        expect(periodStart(period, next - 1)).toBe(start);
      }),
    );
  });

  it('lists the periods a window touches', () => {
    expect(periodStarts(0, beijing('2026-03-01T23:00:00'), beijing('2026-03-03T01:00:00')).map(beijingDate)).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
  });
});

/**
 * The rule as the README states it, period by period: a device counts when it existed at some
 * moment of the period (within the window and asOf), under its license at its last such moment.
 */
function referenceCounts(timelines: readonly DeviceTimeline[], window: { period: 0 | 1 | 2; from: number; to: number; asOf: number; licenseType?: 1 | 2 | 3 }): number[] {
  return periodStarts(window.period, window.from, window.to).map((start) => {
    const lo = Math.max(start, window.from);
    const hi = Math.min(nextPeriodStart(window.period, start) - 1, window.to, window.asOf);
    return timelines.filter((device) => {
      const last = Math.min(hi, device.deletedAt === null ? Infinity : device.deletedAt - 1);
      if (last < lo || last < device.activatedAt) return false;
      const type = device.licenses.filter((l) => l.from <= last).at(-1)?.type;
      return window.licenseType === undefined || type === window.licenseType;
    }).length;
  });
}

describe('active-device counts', () => {
  const day = (d: number) => beijing(`2026-03-0${d}T12:00:00`);
  const from = beijing('2026-03-01T00:00:00');
  const to = beijing('2026-03-05T23:59:59');
  const device = (activatedAt: number, deletedAt: number | null, licenses: [number, 1 | 2 | 3][]): DeviceTimeline => ({
    activatedAt,
    deletedAt,
    licenses: licenses.map(([at, type]) => ({ from: at, type })),
  });

  it('counts a device in every period it existed in, deleted ones up to their deletion', () => {
    const timelines = [device(day(1), null, [[day(1), 1]]), device(day(2), day(4), [[day(2), 2]])];
    const counts = countActive(timelines, { period: 0, from, to, asOf: to });
    expect(counts.map((c) => c.Count)).toEqual([1, 2, 2, 2, 1]);
    expect(counts.map((c) => c.Time)).toEqual(['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05']);
  });

  it('counts a device under the license type it had at its last moment in the period', () => {
    const timelines = [device(day(1), null, [[day(1), 1], [day(3), 3]])];
    expect(countActive(timelines, { period: 0, from, to, asOf: to, licenseType: 1 }).map((c) => c.Count)).toEqual([1, 1, 0, 0, 0]);
    expect(countActive(timelines, { period: 0, from, to, asOf: to, licenseType: 3 }).map((c) => c.Count)).toEqual([0, 0, 1, 1, 1]);
    expect(countActive(timelines, { period: 2, from, to, asOf: to, licenseType: 3 })).toEqual([{ Time: '2026-03-01', Count: 1 }]);
  });

  it('agrees with the rule stated period by period, for any devices, licenses, deletions and windows', () => {
    const HOUR = 3600_000;
    const base = beijing('2026-01-01T00:00:00');
    const at = fc.integer({ min: 0, max: 24 * 100 }).map((h) => base + h * HOUR);
    const timeline = fc
      .tuple(at, fc.option(fc.integer({ min: 0, max: 24 * 60 }), { nil: null }), fc.array(fc.tuple(fc.integer({ min: 0, max: 24 * 60 }), fc.constantFrom(1, 2, 3) as fc.Arbitrary<1 | 2 | 3>), { minLength: 1, maxLength: 4 }))
      .map(([activatedAt, life, changes]): DeviceTimeline => {
        const licenses = changes.map(([offset, type], i) => ({ from: i === 0 ? activatedAt : activatedAt + offset * HOUR, type })).sort((a, b) => a.from - b.from);
        return { activatedAt, deletedAt: life === null ? null : activatedAt + life * HOUR + 1, licenses };
      });
    fc.assert(
      fc.property(
        fc.array(timeline, { maxLength: 8 }),
        at,
        fc.integer({ min: 0, max: 24 * 60 }),
        fc.integer({ min: 0, max: 24 * 120 }),
        fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>,
        fc.option(fc.constantFrom(1, 2, 3) as fc.Arbitrary<1 | 2 | 3>, { nil: undefined }),
        (timelines, from, span, asOfOffset, period, licenseType) => {
          const window = { period, from, to: from + span * HOUR, asOf: base + asOfOffset * HOUR, licenseType };
          expect(countActive(timelines, window).map((c) => c.Count)).toEqual(referenceCounts(timelines, window));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts nothing after asOf: later periods are not known yet', () => {
    const timelines = [device(day(1), null, [[day(1), 1]])];
    expect(countActive(timelines, { period: 0, from, to, asOf: day(3) }).map((c) => c.Count)).toEqual([1, 1, 1, 0, 0]);
  });
});
