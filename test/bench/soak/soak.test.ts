import { DEFAULT_SOAK } from '../../../bench/soak/options.js';
import { runSoak } from '../../../bench/soak/soak.js';

// A small soak with the faults of the full one but slot crashes (too few invocations here to
// land them reliably; test/local/worker-slots.test.ts covers them): Salesforce 5xx and an outage,
// Mixpanel 429 bursts, token revocations, and a SIGKILL of the whole hub.
describe('npm run soak, small', () => {
  it('loses nothing, duplicates nothing and dead-letters only the designed poison', async () => {
    const { report, faults } = await runSoak({
      ...DEFAULT_SOAK,
      tickets: 150,
      acceptances: 40,
      conflicts: 3,
      replayShare: 0.1,
      salesforceErrorRate: 0.05,
      outageSeconds: 4,
      mixpanel429Seconds: 2,
      tokenRevokeSeconds: 8,
      crashEvery: 0,
      visibilitySeconds: 25,
      killAt: 0.5,
      deadlineMinutes: 4,
    });

    expect(faults.killedAndRestarted).toBe(true);
    expect(report.refused).toBe(0);
    expect(report.written).toBe(150 + 40);
    expect(report).toMatchObject({ lost: 0, duplicates: 0, staleCases: 0, unexpectedDeadLetters: 0 });
    expect(report.deadLetteredByReason).toEqual({ EVIDENCE_CONFLICT: 3 });
  }, 300_000);
});
