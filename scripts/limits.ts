/**
 * `switchboard limits [--stage S] [--json] [--live]`: each external API's budget and usage now,
 * from the state store (the Salesforce budget ledger, the Mixpanel and Zendesk pauses). See
 * docs/throttling.md.
 */
import { parseArgs } from 'node:util';
import { readApiBudgets } from '../lib/clients/api-budgets.js';
import { createBudgetLedger, loadSalesforceConfig } from '../lib/clients/salesforce/config.js';
import { readDailyApiRequests } from '../lib/clients/salesforce/org-limits.js';
import { SalesforceSession } from '../lib/clients/salesforce/session.js';
import { DynamoStateStore, type StateStore } from '../lib/clients/state-store.js';
import { ConfigError, ssmParameterReader } from '../lib/config.js';
import { EXIT, isUnreachable } from './cli/exit-codes.js';
import { hubSettings } from './cli/hub-settings.js';
import { renderLimits, type LiveFigure } from './cli/limits-report.js';
import { resolveTarget, resourceName, unreachableHint } from './cli/target.js';

const USAGE = `Usage: switchboard limits [--stage <name>] [--json] [--live]

Each external API's budget and usage now, as every consumer sees it in the state store:
Salesforce's shared budget ledger (the last Sforce-Limit-Info, calls reserved since, the estimate,
the interactive and sync caps, a pause, the last probe) and the Mixpanel and Zendesk pauses
(until when, consecutive 429s) with their documented limits. Reads only.

  --live     also ask the org itself (GET /limits, DailyApiRequests). This costs one Salesforce
             API call, reserved from the ledger like any other and recorded there.
  --stage    a deployed stage instead of the local hub (npm start); its settings are read from
             its salesforceWriter function's environment
  --json     print the figures as JSON

Exit status: 0 every API is within its limits; 1 an API is paused, or Salesforce's usage is at or
over the sync guard (SALESFORCE_BUDGET_GUARD_PERCENT); 2 usage error; 3 the hub, the stage or
(with --live) Salesforce could not be reached, or a setting is malformed.
`;

function usageError(message: string): never {
  process.stderr.write(`limits: ${message}\n\n${USAGE}`);
  process.exit(EXIT.usage);
}

let values: ReturnType<typeof parse>['values'];
function parse() {
  return parseArgs({
    options: {
      live: { type: 'boolean' },
      stage: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
    strict: true,
  });
}
try {
  values = parse().values;
} catch (error) {
  usageError((error as Error).message);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(EXIT.ok);
}

const target = resolveTarget(values.stage);
try {
  const settings = await hubSettings(target);
  const store = DynamoStateStore.create({
    tableName: resourceName(target, 'state'),
    region: target.region,
    ...(target.endpoints.dynamoDb ? { endpoint: target.endpoints.dynamoDb } : {}),
  });
  // The live call first: its answer is recorded in the ledger read next.
  const live = values.live ? await askTheOrg(store, settings) : undefined;
  const budgets = await readApiBudgets(store, settings, Date.now());
  const { figure, unreachable } = live ?? {};
  process.stdout.write(
    values.json ? `${JSON.stringify({ ...budgets, live: figure }, null, 2)}\n` : renderLimits(budgets, figure),
  );
  process.exitCode = unreachable ? EXIT.unreachable : budgets.problems.length > 0 ? EXIT.problem : EXIT.ok;
} catch (error) {
  const unreachable = isUnreachable(error);
  process.stderr.write(`limits: ${unreachable ? unreachableHint(target) : (error as Error).message}\n`);
  process.exitCode = unreachable || error instanceof ConfigError ? EXIT.unreachable : EXIT.problem;
}

/** One `GET /limits` through the ledger; a failure is reported with the rest, not thrown. */
async function askTheOrg(
  store: StateStore,
  settings: Record<string, string | undefined>,
): Promise<{ figure: LiveFigure; unreachable: boolean }> {
  const config = await loadSalesforceConfig(ssmParameterReader, settings);
  const session = new SalesforceSession(config, {
    budget: { ledger: createBudgetLedger(store, config), priority: 'interactive' },
  });
  try {
    return { figure: { dailyApiRequests: await readDailyApiRequests(session) }, unreachable: false };
  } catch (error) {
    return { figure: { error: (error as Error).message }, unreachable: isUnreachable(error) };
  }
}
