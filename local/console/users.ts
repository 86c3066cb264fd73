import type { Sandbox } from '../../sandbox/launch.js';
import type { RecordView } from '../../sandbox/salesforce/index.js';

/** The emulators the console reads in process; an API connected for real has none. */
export type ConsoleSandbox = Pick<Sandbox, 'salesforce' | 'mixpanel'>;

/** A user as the picker lists them: the app user id (Mixpanel `distinct_id`, `Contact.App_User_Id__c`). */
export interface UserSummary {
  appUserId: string;
  name: string;
  events: number;
}

export type EventKind = 'support' | 'terms' | 'deals' | 'product';

export interface TimelineEntry {
  time: string;
  event: string;
  kind: EventKind;
  /** A few of the event's own properties, as text. */
  details: Array<[string, string]>;
}

/** One user's picture: the Mixpanel timeline and profile beside the Salesforce records. */
export interface UserView {
  appUserId: string;
  mixpanel: { timeline: TimelineEntry[]; profile: Record<string, unknown> | undefined } | undefined;
  salesforce:
    | {
        contact: RecordView | undefined;
        account: RecordView | undefined;
        cases: RecordView[];
        termsAcceptances: RecordView[];
        opportunities: RecordView[];
      }
    | undefined;
}

const LISTED = 100;
const DETAILS = 8;
// Mixpanel's own bookkeeping, not what happened.
const HIDDEN = new Set(['time', 'distinct_id', '$insert_id', 'token', 'mp_lib', 'mp_processing_time_ms']);

/** Users whose id, name or e-mail contains `query` (all when empty), Contacts first, then Mixpanel-only ids. */
export function listUsers(sandbox: ConsoleSandbox, query = ''): UserSummary[] {
  const needle = query.trim().toLowerCase();
  const counts = new Map<string, number>();
  for (const event of sandbox.mixpanel?.events() ?? [])
    counts.set(event.properties.distinct_id, (counts.get(event.properties.distinct_id) ?? 0) + 1);
  const users = new Map<string, { name: string; haystack: string }>();
  for (const contact of sandbox.salesforce?.records('Contact') ?? []) {
    const id = text(contact.App_User_Id__c);
    if (!id) continue;
    const name = [text(contact.FirstName), text(contact.LastName)].filter(Boolean).join(' ');
    users.set(id, { name, haystack: [id, name, text(contact.Email)].join(' ').toLowerCase() });
  }
  for (const id of counts.keys()) if (!users.has(id)) users.set(id, { name: '', haystack: id.toLowerCase() });
  return [...users]
    .filter(([, user]) => user.haystack.includes(needle))
    .slice(0, LISTED)
    .map(([appUserId, user]) => ({ appUserId, name: user.name, events: counts.get(appUserId) ?? 0 }));
}

/** Everything the emulators hold about one app user, newest event first. */
export function userView(sandbox: ConsoleSandbox, appUserId: string): UserView {
  const { mixpanel, salesforce } = sandbox;
  const timeline = mixpanel
    ?.events(appUserId)
    .sort((a, b) => b.properties.time - a.properties.time)
    .map((event): TimelineEntry => ({
      time: new Date(event.properties.time).toISOString(),
      event: event.event,
      kind: kindOf(event.event, event.properties.source),
      details: Object.entries(event.properties)
        .filter(([key, value]) => !HIDDEN.has(key) && value !== null && value !== undefined)
        .slice(0, DETAILS)
        .map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]),
    }));
  let records: UserView['salesforce'];
  if (salesforce) {
    const contact = salesforce.findByExternalId('Contact', 'App_User_Id__c', appUserId);
    const accountId = text(contact?.AccountId);
    const account = accountId ? salesforce.getRecord(accountId) : undefined;
    records = {
      contact,
      account,
      cases: contact ? salesforce.records('Case').filter((c) => c.ContactId === contact.Id) : [],
      termsAcceptances: salesforce
        .records('Terms_Acceptance__c')
        .filter((t) => t.App_User_Id__c === appUserId || (contact !== undefined && t.Contact__c === contact.Id)),
      opportunities: account ? salesforce.records('Opportunity').filter((o) => o.AccountId === account.Id) : [],
    };
  }
  return {
    appUserId,
    mixpanel: timeline && { timeline, profile: mixpanel?.profile(appUserId)?.properties },
    salesforce: records,
  };
}

/** Which flow an event came through: its name for tickets and terms, its source for outbound messages. */
export function kindOf(event: string, source: unknown): EventKind {
  if (event.startsWith('Support Ticket')) return 'support';
  if (event === 'Terms Accepted') return 'terms';
  if (source === 'salesforce') return 'deals';
  return 'product';
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
