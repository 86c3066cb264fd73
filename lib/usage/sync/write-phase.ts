import { upsertByVolume } from '../../clients/salesforce/bulk-client.js';
import { BudgetSpent } from '../../clients/salesforce/budget-ledger.js';
import { logger } from '../../observability.js';
import { operatorReason } from '../../sqs/reason.js';
import type { UsageChunk } from './chunks.js';
import type { UsageSyncDeps } from './deps.js';
import { deferredForBudget } from './progress.js';
import { emptyCounts, runChunkIds, totalCounts } from './runs.js';
import type { SalesforceAccountRow } from './salesforce-record.js';

// The run keeps this many failed Accounts with their reasons; the count covers all of them.
const KEPT_FAILURES = 20;

/**
 * Writes the night's changed Accounts in one go: sObject Collections up to 2,000 rows, one Bulk
 * API 2.0 ingest job above. A row Salesforce refuses is reported on the run with its reason and
 * forgotten in the state store, so the next night sends it again; a whole-job failure retries the chunk.
 */
export async function writeAccounts(
  chunk: Extract<UsageChunk, { type: 'usage.write' }>,
  deps: UsageSyncDeps,
): Promise<void> {
  const run = await deps.runs.get(chunk.runId);
  if (!run || run.phase === 'done') return;
  if (await deferredForBudget(chunk, deps)) return;
  const staging = deps.staging(chunk.runId);
  const rows: SalesforceAccountRow[] = [];
  for (const key of await staging.list(staging.salesforcePrefix()))
    for await (const row of staging.read<SalesforceAccountRow>(key)) rows.push(row);
  const outcomes =
    rows.length > 0
      ? await upsertByVolume(deps.salesforce.collections, deps.salesforce.bulk, 'Account', 'App_Account_Id__c', rows)
      : [];
  // Not a refusal of these Accounts: the whole write waits for the budget (upserts repeat safely).
  const spent = outcomes.find((outcome) => outcome instanceof BudgetSpent);
  if (spent) throw spent;
  const failures = outcomes.flatMap((outcome, i) =>
    outcome instanceof Error
      ? [{ accountId: String(rows[i]?.App_Account_Id__c), reason: operatorReason(outcome.message) }]
      : [],
  );
  if (failures.length > 0) await deps.state.forgetSalesforce(failures.map((failure) => failure.accountId));
  await deps.runs.finishChunk(chunk.runId, {
    chunkId: chunk.chunkId,
    counts: { ...emptyCounts(), written: rows.length - failures.length, failed: failures.length },
  });
  const records = await deps.runs.chunks(chunk.runId, runChunkIds(run));
  const totals = totalCounts(records);
  await deps.runs.advance(chunk.runId, 'write', 'done', {
    failures: failures.slice(0, KEPT_FAILURES),
    ...(failures.length > 0 ? { note: `${failures.length} Accounts were refused by Salesforce` } : {}),
  });
  await deps.runs.mark(chunk.runId, 'succeeded');
  logger.info('Usage run done', { runId: chunk.runId, ...totals, accountsFailed: failures.length });
}
