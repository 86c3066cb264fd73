import { BudgetSpent } from '../../clients/salesforce/budget-ledger.js';
import type { UsageChunk } from './chunks.js';
import type { UsageSyncDeps } from './deps.js';
import { readExportPages } from './export-pages-chunk.js';
import { deferChunk } from './progress.js';
import { partitionExport, readAccounts } from './read-phase.js';
import { syncChunk } from './sync-chunk.js';
import { writeAccounts } from './write-phase.js';

/**
 * Runs one chunk of a night, whichever phase it belongs to. A chunk that finds the sync's share
 * of the Salesforce budget spent half-way is deferred, as one that finds it spent before it starts.
 */
export async function handleUsageChunk(chunk: UsageChunk, deps: UsageSyncDeps): Promise<void> {
  try {
    await runChunk(chunk, deps);
  } catch (error) {
    if (!(error instanceof BudgetSpent)) throw error;
    await deferChunk(chunk, deps, error.message);
  }
}

function runChunk(chunk: UsageChunk, deps: UsageSyncDeps): Promise<void> {
  switch (chunk.type) {
    case 'usage.accounts':
      return readAccounts(chunk, deps);
    case 'usage.partition':
      return partitionExport(chunk, deps);
    case 'usage.pages':
      return readExportPages(chunk, deps);
    case 'usage.sync':
      return syncChunk(chunk, deps);
    case 'usage.write':
      return writeAccounts(chunk, deps);
  }
}
