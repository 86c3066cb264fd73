import * as z from '../zod-mini.js';
import { parseJsonSetting } from '../config.js';
import type { TicketChange } from './ticket-change.js';

/** The ticket values a Case field can take. */
export const TICKET_VALUES = [
  'ticketId',
  'subject',
  'status',
  'priority',
  'type',
  'channel',
  'tags',
  'createdAt',
  'updatedAt',
  'url',
] as const;

/**
 * How a ticket becomes a Case: which ticket value fills which Case field, and how values are
 * translated (Zendesk's statuses and priorities are not Salesforce's picklist values).
 */
export const CaseMapping = z.object({
  fields: z.record(
    z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a Salesforce field API name')),
    z.enum(TICKET_VALUES),
  ),
  values: z._default(z.record(z.string(), z.record(z.string(), z.string())), {}),
});
export type CaseMapping = z.infer<typeof CaseMapping>;

/**
 * Salesforce's standard Case picklists: Status New/Working/Escalated/Closed, Priority High/Medium/Low,
 * Origin Phone/Email/Web.
 */
export const DEFAULT_CASE_MAPPING: CaseMapping = {
  fields: {
    Subject: 'subject',
    Status: 'status',
    Priority: 'priority',
    Origin: 'channel',
    Zendesk_Tags__c: 'tags',
    Zendesk_Created_At__c: 'createdAt',
    Zendesk_Updated_At__c: 'updatedAt',
    Zendesk_Ticket_Url__c: 'url',
  },
  values: {
    Status: { new: 'New', open: 'Working', pending: 'Working', hold: 'Escalated', solved: 'Closed', closed: 'Closed' },
    Priority: { urgent: 'High', high: 'High', normal: 'Medium', low: 'Low' },
    // Ingress writes the web form as `web`; `web_form` is Zendesk's event spelling of the same channel.
    Origin: { email: 'Email', web: 'Web', web_form: 'Web', web_widget: 'Web', api: 'Web', chat: 'Web', voice: 'Phone' },
  },
};

/** `TICKET_CASE_MAPPING` (JSON, same shape as the default) replaces the default mapping. */
export function loadCaseMapping(env: Record<string, string | undefined> = process.env): CaseMapping {
  const raw = env.TICKET_CASE_MAPPING;
  if (!raw) return DEFAULT_CASE_MAPPING;
  return parseJsonSetting('TICKET_CASE_MAPPING', raw, CaseMapping);
}

/**
 * The Case fields of a ticket (without the external id and the links); unknown values are left out so an update
 * never blanks a field.
 */
export function toCaseFields(change: TicketChange, mapping: CaseMapping): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [field, source] of Object.entries(mapping.fields)) {
    const value = source === 'tags' ? change.tags.join(' ') : change[source];
    if (value === null || value === '') continue;
    fields[field] = mapping.values[field]?.[String(value)] ?? value;
  }
  return fields;
}
