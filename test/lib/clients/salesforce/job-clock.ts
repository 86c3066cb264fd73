import type { JobClock } from '../../../../lib/clients/salesforce/bulk-jobs.js';

/** A clock that never sleeps: each wait moves time forward instead, and is recorded. */
export function fakeClock(onSleep: (ms: number) => void = () => undefined): JobClock & { waits: number[] } {
  let now = Date.parse('2026-01-15T02:00:00Z');
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
      onSleep(ms);
    },
  };
}
