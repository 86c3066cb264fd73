import * as z from '../zod-mini.js';
import { parseEnv } from '../config.js';
import { apiPauseKey, type PauseItem } from './api-pause.js';
import { budgetCaps, budgetLedgerKey, type LedgerItem } from './salesforce/budget-ledger.js';
import { budgetEnvSettings } from './salesforce/config.js';
import type { StateStore } from './state-store.js';

/** Settings by the hub's own names, as in `.env` or a function's environment (unset or '' = default). */
export type BudgetEnv = Record<string, string | undefined>;

/** A shared API pause (lib/clients/api-pause.ts) as it stands. */
export interface PauseStanding {
  paused: boolean;
  /** ISO time; present while paused. */
  pausedUntil?: string;
  remainingSeconds?: number;
  /** 429s in a row since the last success. */
  consecutive429s: number;
}

/** The org's shared Salesforce budget ledger (docs/throttling.md) as it stands. */
export interface SalesforceBudget {
  /** The org's login host, the ledger's key; absent when `SALESFORCE_LOGIN_URL` is not set. */
  org?: string;
  /** The last `Sforce-Limit-Info` recorded: calls used and allowed in the rolling 24 h, and when. */
  observed?: { used: number; max: number; at: string };
  /** Calls reserved since the ledger began. */
  reservedCalls: number;
  /** Calls reserved after the one whose answer was recorded: not in Salesforce's count yet. */
  reservedSinceObserved?: number;
  /** The org's usage as the hub believes it now: `used` plus the calls reserved since. */
  estimate?: number;
  /** `SALESFORCE_DAILY_BUDGET`, when set. */
  dailyBudget?: number;
  /** `SALESFORCE_BUDGET_GUARD_PERCENT`: the sync's share of the budget. */
  guardPercent: number;
  /** Where interactive calls stop (the budget) and where the sync stops (the guard); known once observed. */
  caps?: { interactive: number; sync: number };
  /** The estimate as a percentage of the budget, one decimal. */
  usedPercent?: number;
  /** The estimate is at or over the sync's cap: the usage sync waits. */
  overGuard: boolean;
  paused: boolean;
  /** After `REQUEST_LIMIT_EXCEEDED`: no call before this ISO time. Kept after it passed. */
  pausedUntil?: string;
  pauseReason?: string;
  remainingSeconds?: number;
  /** When the last probe call was reserved (ISO). */
  lastProbeAt?: string;
  probeSeconds: number;
}

/** Every external API's budget and usage, read from the state store. */
export interface ApiBudgets {
  /** When this was read (ISO). */
  at: string;
  salesforce: SalesforceBudget;
  mixpanel: PauseStanding & { limit: string };
  zendesk: PauseStanding & { limit: string; requestsPerMinute?: number };
  /** What calls for attention: a paused API, Salesforce at or over the guard. Empty when all is well. */
  problems: string[];
}

/** Mixpanel's documented limits (docs.mixpanel.com reference/import-events "Rate Limits"). */
const MIXPANEL_LIMIT = '~2 GB/min (~30,000 events/s) per project; 2,000 records per /import call';
/** Zendesk's limits per plan (developer.zendesk.com "Rate limits"), shown when none is configured. */
const ZENDESK_PLANS = 'Team 200, Growth/Professional 400, Enterprise 700, High Volume 2,500 requests/min';

const budgetsEnv = {
  SALESFORCE_LOGIN_URL: z.optional(z.url()),
  ...budgetEnvSettings,
  ZENDESK_REQUESTS_PER_MINUTE: z.optional(z.coerce.number().check(z.int(), z.positive())),
};

/**
 * Reads the Salesforce budget ledger and the Mixpanel and Zendesk pauses (one BatchGetItem) and
 * what the settings say of them. Reads only: no API is called, nothing is written. A malformed
 * setting throws a `ConfigError` naming it.
 */
export async function readApiBudgets(store: StateStore, settings: BudgetEnv, now: number): Promise<ApiBudgets> {
  const env = parseEnv(budgetsEnv, settings);
  const org = env.SALESFORCE_LOGIN_URL === undefined ? undefined : new URL(env.SALESFORCE_LOGIN_URL).host;
  const keys = [apiPauseKey('mixpanel'), apiPauseKey('zendesk'), ...(org ? [budgetLedgerKey(org)] : [])];
  const [mixpanelItem, zendeskItem, ledgerItem] = await store.getMany(keys);
  const salesforce = salesforceBudget(ledgerItem as LedgerItem | undefined, env, org, now);
  const mixpanel = { ...pauseStanding(mixpanelItem as PauseItem | undefined, now), limit: MIXPANEL_LIMIT };
  const rpm = env.ZENDESK_REQUESTS_PER_MINUTE;
  const zendesk = {
    ...pauseStanding(zendeskItem as PauseItem | undefined, now),
    limit: rpm === undefined ? `not configured (${ZENDESK_PLANS})` : `${rpm} requests/min (the plan's)`,
    ...(rpm === undefined ? {} : { requestsPerMinute: rpm }),
  };
  return {
    at: new Date(now).toISOString(),
    salesforce,
    mixpanel,
    zendesk,
    problems: problemsOf(salesforce, { mixpanel, zendesk }),
  };
}

function salesforceBudget(
  item: LedgerItem | undefined,
  env: ReturnType<typeof parseEnv<typeof budgetsEnv>>,
  org: string | undefined,
  now: number,
): SalesforceBudget {
  const settings = { syncSharePercent: env.SALESFORCE_BUDGET_GUARD_PERCENT, dailyBudget: env.SALESFORCE_DAILY_BUDGET };
  const ledger = item ?? {};
  const caps = ledger.max === undefined ? undefined : budgetCaps(ledger.max, settings);
  const estimate = ledger.estimate;
  const pausedUntil = ledger.pausedUntil;
  const paused = (pausedUntil ?? 0) > now;
  return {
    ...(org ? { org } : {}),
    ...(ledger.used !== undefined && ledger.max !== undefined
      ? { observed: { used: ledger.used, max: ledger.max, at: iso(ledger.observedAt ?? 0) } }
      : {}),
    reservedCalls: ledger.seq ?? 0,
    ...(ledger.observedSeq !== undefined ? { reservedSinceObserved: (ledger.seq ?? 0) - ledger.observedSeq } : {}),
    ...(estimate !== undefined ? { estimate } : {}),
    ...(settings.dailyBudget !== undefined ? { dailyBudget: settings.dailyBudget } : {}),
    guardPercent: settings.syncSharePercent,
    ...(caps ? { caps } : {}),
    ...(caps && caps.interactive > 0
      ? { usedPercent: Math.round(((estimate ?? 0) / caps.interactive) * 1000) / 10 }
      : {}),
    overGuard: caps !== undefined && (estimate ?? 0) >= caps.sync,
    paused,
    ...(pausedUntil !== undefined ? { pausedUntil: iso(pausedUntil) } : {}),
    ...(ledger.pauseReason !== undefined ? { pauseReason: ledger.pauseReason } : {}),
    ...(paused ? { remainingSeconds: Math.ceil(((pausedUntil ?? now) - now) / 1000) } : {}),
    ...(ledger.probeAt !== undefined ? { lastProbeAt: iso(ledger.probeAt) } : {}),
    probeSeconds: env.SALESFORCE_BUDGET_PROBE_SECONDS,
  };
}

function pauseStanding(item: PauseItem | undefined, now: number): PauseStanding {
  const until = Number(item?.pausedUntil ?? 0);
  const consecutive429s = Number(item?.strikes ?? 0);
  if (until <= now) return { paused: false, consecutive429s };
  return { paused: true, pausedUntil: iso(until), remainingSeconds: Math.ceil((until - now) / 1000), consecutive429s };
}

function problemsOf(salesforce: SalesforceBudget, pauses: Record<string, PauseStanding>): string[] {
  const problems: string[] = [];
  if (salesforce.paused)
    problems.push(
      `Salesforce calls are paused until ${salesforce.pausedUntil} (${salesforce.pauseReason ?? 'limit'}) ` +
        'after REQUEST_LIMIT_EXCEEDED',
    );
  if (salesforce.overGuard && salesforce.caps)
    problems.push(
      `Salesforce usage (about ${salesforce.estimate ?? 0} calls in the rolling 24 h) is at or over the sync's ` +
        `cap of ${salesforce.caps.sync} (${salesforce.guardPercent} % of ${salesforce.caps.interactive}): ` +
        'the usage sync waits',
    );
  for (const [api, pause] of Object.entries(pauses))
    if (pause.paused)
      problems.push(`${api} is paused until ${pause.pausedUntil} after ${pause.consecutive429s} consecutive 429s`);
  return problems;
}

const iso = (ms: number): string => new Date(ms).toISOString();
