import { ApiPause } from '../../../lib/clients/api-pause.js';
import { readApiBudgets } from '../../../lib/clients/api-budgets.js';
import { BudgetLedger } from '../../../lib/clients/salesforce/budget-ledger.js';
import { ConfigError } from '../../../lib/config.js';
import { FakeStateStore } from '../../support/fake-state-store.js';

const ORG = 'acme.my.salesforce.com';
// Real time, whole seconds: the state store reads an item past its expiresAt (against the real clock) as absent.
const NOW = Math.floor(Date.now() / 1000) * 1000;
const SETTINGS = { SALESFORCE_LOGIN_URL: `https://${ORG}` };

/** The org's ledger as the consumers write it, with the settings the functions read. */
function ledger(store: FakeStateStore, clock: () => number, dailyBudget?: number): BudgetLedger {
  return new BudgetLedger(
    store,
    { syncSharePercent: 80, dailyBudget, spentWaitSeconds: 3600, probeSeconds: 900 },
    { org: ORG, clock },
  );
}

/** `calls` calls reserved, the first one's answer recorded as `used`/`max`. */
async function spend(book: BudgetLedger, calls: number, usage: { used: number; max: number }): Promise<void> {
  const first = await book.reserve('interactive');
  for (let i = 1; i < calls; i++) await book.reserve('interactive');
  await book.observe(first, usage);
}

describe('readApiBudgets', () => {
  it('reports a quiet hub with nothing recorded: no figures, no pause, no problem', async () => {
    // Arrange
    const store = new FakeStateStore();

    // Act
    const budgets = await readApiBudgets(store, SETTINGS, NOW);

    // Assert
    expect(budgets.salesforce).toEqual({
      org: ORG,
      reservedCalls: 0,
      guardPercent: 80,
      overGuard: false,
      paused: false,
      probeSeconds: 900,
    });
    expect(budgets.mixpanel).toMatchObject({ paused: false, consecutive429s: 0 });
    expect(budgets.zendesk.limit).toContain('not configured');
    expect(budgets.problems).toEqual([]);
    expect(budgets.at).toBe(new Date(NOW).toISOString());
  });

  it('reads the ledger the consumers write: observation, calls reserved since, estimate and caps', async () => {
    // Arrange
    const store = new FakeStateStore();
    await spend(
      ledger(store, () => NOW - 60_000),
      3,
      { used: 500, max: 1000 },
    );

    // Act
    const { salesforce, problems } = await readApiBudgets(store, SETTINGS, NOW);

    // Assert
    expect(salesforce).toMatchObject({
      observed: { used: 500, max: 1000, at: new Date(NOW - 60_000).toISOString() },
      reservedCalls: 3,
      reservedSinceObserved: 2,
      estimate: 502,
      caps: { interactive: 1000, sync: 800 },
      usedPercent: 50.2,
      overGuard: false,
      paused: false,
    });
    expect(problems).toEqual([]);
  });

  it('caps at SALESFORCE_DAILY_BUDGET and flags usage at the sync guard as a problem', async () => {
    // Arrange
    const store = new FakeStateStore();
    await spend(
      ledger(store, () => NOW),
      1,
      { used: 400, max: 1000 },
    );
    const settings = { ...SETTINGS, SALESFORCE_DAILY_BUDGET: '500', SALESFORCE_BUDGET_GUARD_PERCENT: '80' };

    // Act
    const { salesforce, problems } = await readApiBudgets(store, settings, NOW);

    // Assert
    expect(salesforce).toMatchObject({ dailyBudget: 500, caps: { interactive: 500, sync: 400 }, overGuard: true });
    expect(salesforce.usedPercent).toBe(80);
    expect(problems).toEqual([expect.stringContaining("at or over the sync's cap of 400 (80 % of 500)")]);
  });

  it('reports a Salesforce pause while it lasts, and keeps its time without a problem after it', async () => {
    // Arrange
    const store = new FakeStateStore();
    await ledger(store, () => NOW).pause('concurrency');

    // Act
    const during = await readApiBudgets(store, SETTINGS, NOW + 10_000);
    const after = await readApiBudgets(store, SETTINGS, NOW + 31_000);

    // Assert
    expect(during.salesforce).toMatchObject({
      paused: true,
      pausedUntil: new Date(NOW + 30_000).toISOString(),
      pauseReason: 'concurrency',
      remainingSeconds: 20,
    });
    expect(during.problems).toEqual([
      expect.stringContaining(`Salesforce calls are paused until ${new Date(NOW + 30_000).toISOString().slice(0, 19)}`),
    ]);
    expect(after.salesforce).toMatchObject({ paused: false, pausedUntil: new Date(NOW + 30_000).toISOString() });
    expect(after.salesforce.remainingSeconds).toBeUndefined();
    expect(after.problems).toEqual([]);
  });

  it('reports the Mixpanel and Zendesk pauses and their consecutive 429s', async () => {
    // Arrange
    const store = new FakeStateStore();
    const mixpanel = new ApiPause(store, 'mixpanel', { clock: () => NOW });
    await mixpanel.rateLimited();
    await mixpanel.rateLimited();
    await new ApiPause(store, 'zendesk', { clock: () => NOW - 120_000 }).rateLimited(30);

    // Act
    const budgets = await readApiBudgets(store, { ...SETTINGS, ZENDESK_REQUESTS_PER_MINUTE: '700' }, NOW);

    // Assert
    expect(budgets.mixpanel).toMatchObject({ paused: true, consecutive429s: 2, remainingSeconds: 4 });
    expect(budgets.zendesk).toMatchObject({ paused: false, consecutive429s: 1, requestsPerMinute: 700 });
    expect(budgets.zendesk.limit).toBe("700 requests/min (the plan's)");
    expect(budgets.problems).toEqual([expect.stringMatching(/^mixpanel is paused until .* after 2 consecutive 429s$/)]);
  });

  it('reads the pauses without SALESFORCE_LOGIN_URL, and names a malformed setting', async () => {
    // Arrange
    const store = new FakeStateStore();

    // Act
    const budgets = await readApiBudgets(store, {}, NOW);
    const bad = readApiBudgets(store, { ...SETTINGS, SALESFORCE_BUDGET_GUARD_PERCENT: '120' }, NOW);

    // Assert
    expect(budgets.salesforce.org).toBeUndefined();
    expect(store.calls.getMany).toBe(1);
    await expect(bad).rejects.toThrow(ConfigError);
    await expect(bad).rejects.toThrow('SALESFORCE_BUDGET_GUARD_PERCENT');
  });
});
