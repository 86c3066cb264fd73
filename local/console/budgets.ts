import { ApiPause } from '../../lib/clients/api-pause.js';
import type { BudgetStanding } from '../../lib/clients/salesforce/budget-ledger.js';
import { createBudgetLedger, loadSalesforceConfig } from '../../lib/clients/salesforce/config.js';
import type { StateStore } from '../../lib/clients/state-store.js';

/** One API's shared 429 pause, as every consumer container sees it. */
export interface PauseView {
  api: string;
  paused: boolean;
  retryAfterSeconds?: number;
  reason?: string;
}

export interface BudgetsView {
  salesforce:
    { configured: true; interactive: BudgetStanding; sync: BudgetStanding } | { configured: false; reason: string };
  pauses: PauseView[];
}

/** The APIs whose consumers share a 429 pause (functions/mixpanel-sender.ts, functions/zendesk-reader.ts). */
const PAUSED_APIS = ['mixpanel', 'zendesk'];

/**
 * Each API's budget as the consumers see it, read through their own classes from the state
 * store: the Salesforce ledger's standing for interactive calls and for the nightly sync, and
 * the shared pauses. Nothing is spent or written.
 */
export async function readBudgets(store: StateStore, env: NodeJS.ProcessEnv = process.env): Promise<BudgetsView> {
  const pauses = await Promise.all(
    PAUSED_APIS.map(async (api): Promise<PauseView> => {
      const refusal = await new ApiPause(store, api, { cacheMs: 0 }).refusal();
      return refusal
        ? { api, paused: true, retryAfterSeconds: refusal.retryAfterSeconds ?? 0, reason: refusal.message }
        : { api, paused: false };
    }),
  );
  let salesforce: BudgetsView['salesforce'];
  try {
    // The ledger needs the org's settings, not its secret: a stand-in keeps the real one unread.
    const standIn = (): Promise<string> => Promise.resolve('unused');
    const config = await loadSalesforceConfig(standIn, { SALESFORCE_CLIENT_SECRET: 'unused', ...env });
    const ledger = createBudgetLedger(store, config);
    salesforce = {
      configured: true,
      interactive: await ledger.standing('interactive'),
      sync: await ledger.standing('sync'),
    };
  } catch (error) {
    salesforce = { configured: false, reason: (error as Error).message };
  }
  return { salesforce, pauses };
}
