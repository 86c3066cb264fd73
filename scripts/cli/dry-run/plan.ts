/**
 * What a dry run reports: the writes a payload would cause in Salesforce and Mixpanel, planned by
 * the flows' own code, and the read-only calls made to plan them.
 */
import type { GroupUpdate, MixpanelEvent, ProfileUpdate, SourceVersion } from '../../../lib/clients/mixpanel/types.js';
import type { StateStore } from '../../../lib/clients/state-store.js';

export const ROUTES = ['zendesk', 'terms', 'outbound'] as const;
export type Route = (typeof ROUTES)[number];

/** One record write: an upsert by external id, or an insert whose unique field is `externalIdField`. */
export interface SalesforceWrite {
  operation: 'upsert' | 'insert';
  object: string;
  externalIdField: string;
  externalId: string;
  /** Field → value exactly as sent; `{ App_User_Id__c: … }` values link a parent by its external id. */
  record: Record<string, unknown>;
  /** The record Salesforce holds under that external id now (read for the plan), if any. */
  existingId: string | null;
  /** What the write does: creates, updates, or why it is refused or skipped. */
  outcome: string;
}

/** A profile or group update, with the source record's version when it carries one (older ones are refused). */
export type PlannedProfile = ProfileUpdate & { version?: SourceVersion };
export type PlannedGroup = GroupUpdate & { version?: SourceVersion };

export interface DryRunPlan {
  route: Route;
  /** The webhook's HTTP answer to this payload. */
  answer: { status: number; body: unknown };
  salesforce: SalesforceWrite[];
  mixpanel: { events: MixpanelEvent[]; profiles: PlannedProfile[]; groups: PlannedGroup[] };
  /** The read-only calls the plan made, e.g. `Salesforce: Contact by Email (1)`. */
  reads: string[];
  /**
   * Values known only when the writes happen: printed as a placeholder, with the path of each in
   * this plan and what it will be (`salesforce[0].Id`: the Id of the record that write creates).
   */
  processingTime: Array<{ path: string; value: string }>;
  notes: string[];
}

/** A plan without writes: a payload the webhook accepts and ignores, or that maps to nothing. */
export function emptyPlan(route: Route, answer: DryRunPlan['answer']): DryRunPlan {
  return {
    route,
    answer,
    salesforce: [],
    mixpanel: { events: [], profiles: [], groups: [] },
    reads: [],
    processingTime: [],
    notes: [],
  };
}

/** The placeholder of a value Salesforce assigns when the write happens. */
export const assignedId = (what: string): string => `<Id of the ${what}, assigned when it is created>`;

const refuse = (): Promise<never> => Promise.reject(new Error('A dry run writes nothing, not even to the state table'));

/**
 * A state table that holds nothing and refuses every write. The caches a dry run passes through
 * (TTL 0) then ask Salesforce itself, and write nothing.
 */
export const EMPTY_STATE: StateStore = {
  get: () => Promise.resolve(undefined),
  getMany: (keys) => Promise.resolve(keys.map(() => undefined)),
  put: refuse,
  putMany: refuse,
  deleteMany: refuse,
  update: refuse,
};
