import { ConditionFailed, type StateItem, type StateStore } from '../../clients/state-store.js';

export type RunStatus = 'running' | 'deferred' | 'succeeded' | 'failed';
/** `read`: the export is partitioned and the Accounts read; `sync`: chunks diff and send; `write`: Accounts written. */
export type RunPhase = 'read' | 'sync' | 'write' | 'done';

/** What a chunk did, kept per chunk so that a retried chunk overwrites its own figures instead of adding twice. */
export interface ChunkCounts {
  /** Export rows read (partition chunks) or users synced (sync chunks). */
  read: number;
  invalid: number;
  changed: number;
  skipped: number;
  /** Profile and group updates enqueued for Mixpanel, or Accounts written to Salesforce. */
  written: number;
  failed: number;
}

export interface UsageRun {
  runId: string;
  status: RunStatus;
  phase: RunPhase;
  createdAt: string;
  updatedAt: string;
  /** The instant the activity windows end at (epoch ms). */
  asOf: number;
  /** The export read: `s3://bucket/prefix/` with the night's date filled in. */
  source: string;
  /** Chunk ids of the read phase and, once planned, of the sync phase. */
  readChunks: string[];
  /** Read chunks added while reading (the pages of an HTTPS export continue in chunks of their own). */
  addedReadChunks?: Set<string> | string[];
  syncChunks: string[];
  /** The write phase's Salesforce failures (first few, with account ids and reasons). */
  failures: Array<{ accountId: string; reason: string }>;
  /** Why the run failed, or why it waits. */
  note?: string;
  deferredUntil?: string;
}

export interface ChunkRecord {
  chunkId: string;
  counts: ChunkCounts;
  /** Partition chunks: rows per fine bucket, so the sync chunks can be sized by users. */
  bucketRows?: number[];
}

const RUN_SK = 'run';
const runKey = (runId: string) => ({ pk: `usage#run#${runId}`, sk: RUN_SK });
const chunkKey = (runId: string, chunkId: string) => ({ pk: `usage#run#${runId}`, sk: `chunk#${chunkId}` });
const LATEST = { pk: 'usage#run', sk: 'latest' };
// Runs and their chunk records are kept 90 days, long enough to compare a quarter of nights.
const KEEP_SECONDS = 90 * 24 * 60 * 60;

/** Run records in the state store: one item per run, one per finished chunk, and a pointer to the latest run. */
export class UsageRuns {
  constructor(
    private readonly store: StateStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates the run (a `ConditionFailed` if the id exists) and points `latest` at it. */
  async create(run: Pick<UsageRun, 'runId' | 'asOf' | 'source' | 'readChunks'>): Promise<UsageRun> {
    const at = new Date(this.now()).toISOString();
    const created: UsageRun = {
      ...run,
      status: 'running',
      phase: 'read',
      createdAt: at,
      updatedAt: at,
      syncChunks: [],
      failures: [],
    };
    await this.store.put({ ...runKey(run.runId), ...created, expiresAt: this.expiry() }, { ifAbsent: true });
    await this.store.put({ ...LATEST, runId: run.runId });
    return created;
  }

  async get(runId: string): Promise<UsageRun | undefined> {
    const item = await this.store.get(runKey(runId));
    return item ? toRun(item) : undefined;
  }

  async latest(): Promise<UsageRun | undefined> {
    const pointer = await this.store.get(LATEST);
    return typeof pointer?.runId === 'string' ? this.get(pointer.runId) : undefined;
  }

  /** Records a chunk as finished with its figures (a retry overwrites them). */
  async finishChunk(runId: string, record: ChunkRecord): Promise<void> {
    await this.store.put({ ...chunkKey(runId, record.chunkId), ...record, expiresAt: this.expiry() });
  }

  /** The records of these chunks, `undefined` for one not finished yet; one BatchGetItem per 100. */
  async chunks(runId: string, chunkIds: readonly string[]): Promise<Array<ChunkRecord | undefined>> {
    const items = await this.store.getMany(chunkIds.map((chunkId) => chunkKey(runId, chunkId)));
    return items.map((item) => (item ? (item as unknown as ChunkRecord) : undefined));
  }

  /**
   * Moves the run from one phase to the next, with whatever else changes with it; false when
   * another chunk moved it first (only one chunk may plan the next phase).
   */
  async advance(runId: string, from: RunPhase, to: RunPhase, changes: Partial<UsageRun> = {}): Promise<boolean> {
    try {
      await this.store.update(runKey(runId), {
        set: { ...changes, phase: to, updatedAt: new Date(this.now()).toISOString() },
        condition: { exists: true, equals: { phase: from } },
      });
      return true;
    } catch (error) {
      if (error instanceof ConditionFailed) return false;
      throw error;
    }
  }

  /** Adds a read chunk to the run before it is enqueued, so the read phase waits for it. */
  async addReadChunk(runId: string, chunkId: string): Promise<void> {
    await this.store.update(runKey(runId), { addToSet: { addedReadChunks: [chunkId] }, condition: { exists: true } });
  }

  /** Sets the status (and a note) without changing the phase. */
  async mark(runId: string, status: RunStatus, changes: Partial<UsageRun> = {}): Promise<void> {
    await this.store.update(runKey(runId), {
      set: { ...changes, status, updatedAt: new Date(this.now()).toISOString() },
      condition: { exists: true },
    });
  }

  private expiry(): number {
    return Math.floor(this.now() / 1000) + KEEP_SECONDS;
  }
}

export const emptyCounts = (): ChunkCounts => ({ read: 0, invalid: 0, changed: 0, skipped: 0, written: 0, failed: 0 });

/** The sum of the chunks' figures. */
export function totalCounts(records: ReadonlyArray<ChunkRecord | undefined>): ChunkCounts {
  const total = emptyCounts();
  for (const record of records)
    if (record) for (const key of Object.keys(total) as Array<keyof ChunkCounts>) total[key] += record.counts[key];
  return total;
}

function toRun(item: StateItem): UsageRun {
  const { pk: _pk, sk: _sk, expiresAt: _expiresAt, ...run } = item;
  return run as unknown as UsageRun;
}

/** Every read chunk of a run, those added while reading included. */
export function readChunkIds(run: UsageRun): string[] {
  return [...new Set([...run.readChunks, ...(run.addedReadChunks ?? [])])];
}

/** The id of a run's one write chunk. */
export const WRITE_CHUNK_ID = 'write';

/** Every chunk a run has planned so far, in phase order: its read chunks, its sync chunks, its write. */
export function runChunkIds(run: UsageRun): string[] {
  const write = run.phase === 'write' || run.phase === 'done' ? [WRITE_CHUNK_ID] : [];
  return [...readChunkIds(run), ...run.syncChunks, ...write];
}
