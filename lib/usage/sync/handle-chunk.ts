import type { UsageChunk } from './chunks.js';
import type { UsageSyncDeps } from './deps.js';
import { readExportPages } from './export-pages-chunk.js';
import { partitionExport, readAccounts } from './read-phase.js';
import { syncChunk } from './sync-chunk.js';
import { writeAccounts } from './write-phase.js';

/** Runs one chunk of a night, whichever phase it belongs to. */
export function handleUsageChunk(chunk: UsageChunk, deps: UsageSyncDeps): Promise<void> {
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
