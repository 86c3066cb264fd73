import type { ApiBudgets } from '../../../lib/clients/api-budgets.js';
import { renderLimits } from '../../../scripts/cli/limits-report.js';

const quiet = { paused: false, consecutive429s: 0 };
const budgets = (overrides: Partial<ApiBudgets> = {}): ApiBudgets => ({
  at: '2026-12-02T10:00:00.000Z',
  salesforce: {
    org: 'acme.my.salesforce.com',
    observed: { used: 500, max: 1000, at: '2026-12-02T09:59:00.000Z' },
    reservedCalls: 3,
    reservedSinceObserved: 2,
    estimate: 502,
    guardPercent: 80,
    caps: { interactive: 1000, sync: 800 },
    usedPercent: 50.2,
    overGuard: false,
    paused: false,
    probeSeconds: 900,
  },
  mixpanel: { ...quiet, limit: 'mixpanel limit' },
  zendesk: { ...quiet, limit: 'zendesk limit' },
  problems: [],
  ...overrides,
});

describe('renderLimits', () => {
  it("shows the ledger's figures and caps, and the org's own figure with its cost", () => {
    // Act
    const text = renderLimits(budgets(), { dailyApiRequests: { max: 1000, remaining: 497, used: 503 } });

    // Assert
    expect(text).toMatch(/last Sforce-Limit-Info +500\/1,000 at 2026-12-02T09:59:00.000Z/);
    expect(text).toMatch(/estimate +502 of 1,000 \(50.2 %\)/);
    expect(text).toMatch(/sync cap \(guard\) +800 \(80 %\)\n/);
    expect(text).toContain("org's own figure         503/1,000, 497 remaining (GET /limits: this cost one API call)");
    expect(text).toContain('All within limits.');
  });

  it('lists the problems, and says why the live figure is missing', () => {
    // Act
    const text = renderLimits(budgets({ problems: ['mixpanel is paused'] }), { error: 'budget spent' });

    // Assert
    expect(text).toContain("org's own figure         not read: budget spent");
    expect(text).toContain('Problems:\n  - mixpanel is paused\n');
    expect(text).not.toContain('All within limits.');
  });
});
