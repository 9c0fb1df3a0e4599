import { describe, expect, it } from 'vitest';
import { lowerAlphanumericRuns } from '../../src/core/ids.ts';
import { newDeviceId, newHardwareId } from '../../src/services/tencent/mna/ids.ts';

describe('lowerAlphanumericRuns: ids that rows created together keep together in an index', () => {
  it('counts up in byte order under one random prefix, then starts a new prefix; every id distinct', () => {
    const next = lowerAlphanumericRuns(6, 2);
    const ids = Array.from({ length: 36 * 36 * 3 }, next);
    expect(ids.every((id) => /^[a-z0-9]{6}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const runs = [0, 1, 2].map((k) => ids.slice(k * 1296, (k + 1) * 1296));
    for (const run of runs) {
      expect(new Set(run.map((id) => id.slice(0, 4))).size).toBe(1);
      expect([...run].sort()).toEqual(run);
      expect(run[0]!.slice(4)).toBe('00');
      expect(run.at(-1)!.slice(4)).toBe('zz');
    }
    expect(new Set(runs.map((run) => run[0]!.slice(0, 4))).size).toBe(3);
  });

  it('keeps the documented formats: HardwareId cpe- and DeviceId mna- + 10 lowercase alphanumerics', () => {
    const hardware = Array.from({ length: 100 }, newHardwareId);
    const devices = Array.from({ length: 100 }, newDeviceId);
    expect(hardware.every((id) => /^cpe-[a-z0-9]{10}$/.test(id))).toBe(true);
    expect(devices.every((id) => /^mna-[a-z0-9]{10}$/.test(id))).toBe(true);
    expect(new Set(devices).size).toBe(100);
  });
});
