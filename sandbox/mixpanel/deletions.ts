import type { EventStore } from './event-store.js';
import type { ProfileStore } from './profile-store.js';

/** The states a deletion task shows here; Mixpanel's enum also has STAGING, STARTED, FAILURE, REVOKED. */
export type DeletionStatus = 'PENDING' | 'SUCCESS';

/** One task of `POST /data-deletions/v3.0/`, as `GET /data-deletions/v3.0/{tracking_id}` describes it. */
export interface DeletionTask {
  tracking_id: string;
  status: DeletionStatus;
  requesting_user: string;
  compliance_type: 'GDPR' | 'CCPA';
  project_id: number;
  date_requested: string;
  distinct_ids: string[];
}

interface HeldTask {
  task: DeletionTask;
  dueAt: number;
}

/**
 * Deletion tasks of the GDPR API. A task stays PENDING for `completeAfterMs`, then completes: the
 * events and the profile of its distinct_ids are gone, as after Mixpanel's own (much slower) run.
 * Completion is applied lazily, by `settle`, before anything reads the project's data.
 */
export class DeletionTasks {
  private readonly tasks = new Map<string, HeldTask>();
  private created = 0;

  constructor(
    private readonly events: EventStore,
    private readonly profiles: ProfileStore,
    private readonly completeAfterMs: number,
  ) {}

  create(fields: Omit<DeletionTask, 'tracking_id' | 'status' | 'date_requested'>, now: number): DeletionTask {
    this.created += 1;
    const task: DeletionTask = {
      ...fields,
      tracking_id: `sandbox-deletion-${String(this.created).padStart(6, '0')}`,
      status: 'PENDING',
      // Mixpanel shows it without a zone ('YYYY-MM-DDTHH:MM:SS').
      date_requested: new Date(now).toISOString().slice(0, 19),
    };
    this.tasks.set(task.tracking_id, { task, dueAt: now + this.completeAfterMs });
    this.settle(now);
    return structuredClone(task);
  }

  get(trackingId: string): DeletionTask | undefined {
    const held = this.tasks.get(trackingId);
    return held && structuredClone(held.task);
  }

  /** Completes every task that is due, removing its users' events and profiles. */
  settle(now: number): void {
    for (const held of this.tasks.values()) {
      if (held.task.status !== 'PENDING' || now < held.dueAt) continue;
      const ids = new Set(held.task.distinct_ids);
      this.events.removeDistinctIds(ids);
      for (const id of ids) this.profiles.removeUser(id);
      held.task.status = 'SUCCESS';
    }
  }

  get size(): number {
    return this.tasks.size;
  }

  clear(): void {
    this.tasks.clear();
    this.created = 0;
  }
}
