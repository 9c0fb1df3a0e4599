import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../support/server.ts';
import { batchRegisterAcrossKill } from '../../../support/iot-register-crash.ts';

// The 50,000 devices take about 25–35 s per database here; the test kills a 9,000-device
// run the same way, and `npm run bench -- iot-register` runs the full 50,000.
const CALLS = 3;
const COUNT = 3_000;

describe.each(DIALECTS)('BatchRegisterDevice across a kill -9 (%s)', (dialect) => {
  it('after a kill -9 mid-creation and a restart, every apply ends CREATE_SUCCESS listing its devices, each created once', async () => {
    const outcome = await batchRegisterAcrossKill(dialect, CALLS, COUNT);
    // Killed mid-way: some devices committed, not all.
    expect(outcome.createdAtKill).toBeGreaterThan(0);
    expect(outcome.createdAtKill).toBeLessThan(CALLS * COUNT);
    const listed = new Set<string>();
    for (const status of outcome.statuses) {
      expect(status.Status).toBe('CREATE_SUCCESS');
      expect(status.InvalidList.Name).toEqual([]);
      expect(status.ValidList.Name).toHaveLength(COUNT);
      for (const name of status.ValidList.Name as string[]) listed.add(name);
    }
    expect(listed.size).toBe(CALLS * COUNT);
    expect(outcome.deviceCount).toBe(CALLS * COUNT);
    expect(outcome.stored).toEqual({ devices: CALLS * COUNT, names: CALLS * COUNT });
    // The restarted server took the dead process's jobs over at once (same host): no lease wait,
    // at most one attempt counted per job (a job the killed process held at that moment), none
    // still leased. Whether any job was held at the kill depends on its timing, so none is required.
    expect(outcome.resumeMs).toBeLessThan(20_000);
    expect(outcome.jobs.every((job) => !job.leased && job.attempts <= 1)).toBe(true);
    expect(outcome.lastListed.secret).toBe(outcome.lastListed.listed.DeviceSecret);
  }, 60_000);
});
