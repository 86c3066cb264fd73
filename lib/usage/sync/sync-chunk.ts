import { packGroupUpdates, packProfileUpdates } from '../../clients/mixpanel/packs.js';
import type { GroupUpdate, ProfileUpdate } from '../../clients/mixpanel/types.js';
import { UsageAggregator, type AccountUsage } from '../aggregate.js';
import { isPaying } from '../config.js';
import { accountGroupUpdates, payloadHash, userProfileUpdates } from '../mixpanel-payloads.js';
import type { UsageRow } from '../rows.js';
import { userKey, type AccountSyncState } from '../sync-state.js';
import type { UsageChunk } from './chunks.js';
import type { UsageSyncDeps } from './deps.js';
import { afterSyncChunk } from './progress.js';
import type { StagedAccount } from './read-phase.js';
import { emptyCounts, readChunkIds } from './runs.js';
import { salesforceRecord, type SalesforceAccountRow } from './salesforce-record.js';

/** What one sync chunk found changed since the last night. */
interface Changes {
  profiles: ProfileUpdate[];
  groups: GroupUpdate[];
  salesforce: SalesforceAccountRow[];
  states: AccountSyncState[];
  unchanged: number;
}

/**
 * One run of fine buckets: aggregates its accounts' users, compares every profile, group and
 * Account update with the hash last sent, and sends only what changed — Mixpanel updates packed
 * on the mixpanel queue, Account changes staged for the write phase. The new hashes are saved
 * after the sends, so a crash in between sends the same updates again (they are `$set`s).
 */
export async function syncChunk(
  chunk: Extract<UsageChunk, { type: 'usage.sync' }>,
  deps: UsageSyncDeps,
): Promise<void> {
  const run = await deps.runs.get(chunk.runId);
  if (!run) throw new Error(`Usage run ${chunk.runId} is not in the state store`);
  const staging = deps.staging(chunk.runId);
  const readRecords = await deps.runs.chunks(chunk.runId, readChunkIds(run));
  const accounts = new Map<string, Record<string, string | null>>();
  const rows: UsageRow[] = [];
  for (let bucket = chunk.from; bucket < chunk.to; bucket += 1) {
    for await (const account of staging.read<StagedAccount>(staging.accountsKey(bucket)))
      accounts.set(account.accountId, account.fields);
    for (const record of readRecords)
      if (record?.bucketRows?.[bucket])
        for await (const row of staging.read<UsageRow>(staging.rowsKey(bucket, record.chunkId))) rows.push(row);
  }
  const aggregator = new UsageAggregator({
    asOf: run.asOf,
    isPaying: (accountId) => isPaying(deps.config.paying, accounts.get(accountId)),
    knownAccounts: accounts.keys(),
  });
  aggregator.add(rows);
  const summary = aggregator.result();
  const states = await deps.state.load(summary.accounts.map((account) => account.accountId));
  const changes = diff(summary.users, summary.accounts, accounts, states, run.asOf, deps);

  await staging.write(staging.salesforceKey(chunk.chunkId), changes.salesforce);
  const messages = [...packProfileUpdates(changes.profiles), ...packGroupUpdates(changes.groups)];
  if (messages.length > 0) await deps.queue.send(deps.mixpanelQueueUrl, messages);
  await deps.state.save(changes.states);
  await deps.runs.finishChunk(chunk.runId, {
    chunkId: chunk.chunkId,
    counts: {
      ...emptyCounts(),
      changed: changes.profiles.length + changes.groups.length + changes.salesforce.length,
      skipped: changes.unchanged,
      written: changes.profiles.length + changes.groups.length,
    },
  });
  await afterSyncChunk(chunk.runId, deps);
}

function diff(
  users: Parameters<typeof userProfileUpdates>[0],
  usage: readonly AccountUsage[],
  fields: ReadonlyMap<string, Record<string, string | null>>,
  states: ReadonlyMap<string, AccountSyncState>,
  asOf: number,
  deps: UsageSyncDeps,
): Changes {
  const byAccount = new Map(usage.map((account) => [account.accountId, account]));
  const profiles = userProfileUpdates(users, byAccount, fields, deps.config.profiles);
  const groups = new Map(
    accountGroupUpdates(usage, fields, deps.config.profiles).map((group) => [group.groupId, group]),
  );
  const profilesByAccount = new Map<string, ProfileUpdate[]>();
  users.forEach((user, i) => {
    const list = profilesByAccount.get(user.accountId) ?? [];
    list.push(profiles[i] as ProfileUpdate);
    profilesByAccount.set(user.accountId, list);
  });
  const changes: Changes = { profiles: [], groups: [], salesforce: [], states: [], unchanged: 0 };
  for (const account of usage) {
    const held = states.get(account.accountId);
    const next: AccountSyncState = { accountId: account.accountId, users: new Map() };
    let changed = false;
    for (const profile of profilesByAccount.get(account.accountId) ?? []) {
      const key = userKey(profile.distinctId);
      const hash = shortHashOf(profile);
      next.users.set(key, hash);
      if (held?.users.get(key) === hash) changes.unchanged += 1;
      else {
        changes.profiles.push(profile);
        changed = true;
      }
    }
    // A user who left the account (moved or gone) is dropped from its state; nothing is sent for them here.
    if (!changed && held && held.users.size !== next.users.size) changed = true;
    const group = groups.get(account.accountId);
    if (group) {
      next.groupHash = shortHashOf(group);
      if (held?.groupHash !== next.groupHash) {
        changes.groups.push(group);
        changed = true;
      }
    }
    // Only Accounts Salesforce holds are written: the sync never creates an Account.
    if (fields.has(account.accountId)) {
      const record = salesforceRecord(account, asOf, deps.config.salesforceFields);
      next.salesforceHash = shortHashOf(record.figures);
      if (held?.salesforceHash !== next.salesforceHash) {
        changes.salesforce.push(record.row);
        changed = true;
      }
    }
    if (changed) changes.states.push(next);
  }
  return changes;
}

const shortHashOf = (value: unknown): string => payloadHash(value).slice(0, 16);
