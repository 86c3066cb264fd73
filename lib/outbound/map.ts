import { insertId } from '../clients/mixpanel/insert-id.js';
import { parseDateTime } from '../date-time.js';
import { HttpError } from '../errors.js';
import type { Notification } from './envelope.js';
import { versionOf, type OutboundFanOutIntent, type OutboundIntents, type OutboundSource } from './intents.js';
import type { Condition, OutboundMapping, OutboundRule, ValueSource } from './mapping.js';

/** Why a rule that applies to a notification produced nothing: no user to put it on. */
export interface Skipped {
  notificationId: string;
  ruleId: string;
  reason: string;
}

/** A field the rule reads must be among the outbound message's fields; otherwise the admin has to add it. */
function read(notification: Notification, rule: OutboundRule, field: string): string | null {
  if (!(field in notification.fields))
    throw new HttpError(
      400,
      `${notification.sObjectType} ${notification.fields.Id ?? ''} (notification ${notification.id}) has no field ` +
        `${field}, which rule "${rule.id}" reads: add it to the outbound message's fields`,
    );
  return notification.fields[field] ?? null;
}

const empty = (value: string | null): boolean => value === null || value === '';

function holds(condition: Condition, value: string | null): boolean {
  if (condition.equals !== undefined) return value === condition.equals;
  if (condition.in !== undefined) return value !== null && condition.in.includes(value);
  return !empty(value);
}

function applies(rule: OutboundRule, notification: Notification): boolean {
  if (rule.sObject !== notification.sObjectType) return false;
  return Object.entries(rule.when).every(([field, condition]) => holds(condition, read(notification, rule, field)));
}

function valueOf(source: ValueSource, notification: Notification, rule: OutboundRule): unknown {
  if (source.field === undefined) return source.value ?? null;
  const text = read(notification, rule, source.field);
  if (text === null || source.type === 'string') return text;
  if (source.type === 'boolean') return text === 'true';
  const number = Number(text);
  return text.trim() !== '' && Number.isFinite(number) ? number : null;
}

function propertiesOf(
  properties: Record<string, ValueSource>,
  notification: Notification,
  rule: OutboundRule,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(properties).map(([name, source]) => [name, valueOf(source, notification, rule)]),
  );
}

/** The record's version: SystemModstamp (or the rule's field), else LastModifiedDate; needed for event times. */
function modstampOf(rule: OutboundRule, notification: Notification): string {
  const candidates = rule.versionField ? [rule.versionField] : ['SystemModstamp', 'LastModifiedDate'];
  const field = candidates.find((name) => !empty(notification.fields[name] ?? null));
  const where = `${notification.sObjectType} ${notification.fields.Id ?? ''} (notification ${notification.id})`;
  if (!field)
    throw new HttpError(
      400,
      `${where} has no ${candidates.join(' or ')}, which rule "${rule.id}" needs for the event time and ` +
        "ordering: add it to the outbound message's fields",
    );
  const value = notification.fields[field] ?? '';
  const parsed = parseDateTime(value);
  if ('problem' in parsed) throw new HttpError(400, `${where}: ${field} ${parsed.problem}`);
  return new Date(parsed.ms).toISOString();
}

/** Turns one notification into the intents of every rule that applies to it. */
function intentsOf(rule: OutboundRule, notification: Notification, into: OutboundIntents, skipped: Skipped[]): void {
  const recordId = notification.fields.Id ?? '';
  const modstamp = modstampOf(rule, notification);
  const source: OutboundSource = {
    notificationId: notification.id,
    ruleId: rule.id,
    sObjectType: notification.sObjectType,
    recordId,
    modstamp,
  };
  const version = versionOf(source);
  const event = rule.event && {
    event: rule.event.name,
    properties: {
      ...propertiesOf(rule.event.properties, notification, rule),
      time: Date.parse(modstamp),
      // Notification id + rule: a redelivery re-sends the same id and Mixpanel keeps one event.
      $insert_id: insertId('outbound', notification.id, rule.id),
      source: 'salesforce',
      salesforce_object: notification.sObjectType,
      salesforce_record_id: recordId,
      outbound_rule: rule.id,
    },
  };
  const profileSet = rule.profileSet && propertiesOf(rule.profileSet, notification, rule);

  if (rule.group) {
    const groupId = read(notification, rule, rule.group.idField);
    if (empty(groupId)) skipped.push({ notificationId: notification.id, ruleId: rule.id, reason: 'no group id' });
    else
      into.mixpanel.push({
        source,
        intent: {
          type: 'mixpanel.group',
          update: {
            groupKey: rule.group.key,
            groupId: groupId ?? '',
            operation: '$set',
            values: propertiesOf(rule.group.set, notification, rule),
          },
          version,
        },
      });
  }
  if (!event && !profileSet) return;

  if (rule.fanOut === 'account') {
    const accountId = read(notification, rule, rule.accountIdField);
    if (empty(accountId)) {
      skipped.push({ notificationId: notification.id, ruleId: rule.id, reason: `no ${rule.accountIdField}` });
      return;
    }
    const fanOut: OutboundFanOutIntent = { type: 'outbound.fanout', accountId: accountId ?? '', source };
    if (event) fanOut.event = event;
    if (profileSet) fanOut.profileSet = profileSet;
    into.fanOut.push(fanOut);
    return;
  }
  const distinctId = rule.distinctIdField ? read(notification, rule, rule.distinctIdField) : null;
  if (distinctId === null || empty(distinctId)) {
    skipped.push({ notificationId: notification.id, ruleId: rule.id, reason: `no ${rule.distinctIdField ?? ''}` });
    return;
  }
  if (event)
    into.mixpanel.push({
      source,
      intent: {
        type: 'mixpanel.event',
        event: { event: event.event, properties: { ...event.properties, distinct_id: distinctId } },
      },
    });
  if (profileSet)
    into.mixpanel.push({
      source,
      intent: { type: 'mixpanel.profile', update: { distinctId, operation: '$set', values: profileSet }, version },
    });
}

/**
 * Applies the mapping to every notification of a message. No I/O: the same notifications give
 * the same intents, so a redelivery re-sends identical ones. A field a matching rule reads that
 * the message lacks is a 400 naming it (the outbound message must be given that field).
 */
export function mapNotifications(
  notifications: readonly Notification[],
  mapping: OutboundMapping,
): OutboundIntents & { skipped: Skipped[]; unmatched: number } {
  const into: OutboundIntents = { mixpanel: [], fanOut: [] };
  const skipped: Skipped[] = [];
  let unmatched = 0;
  for (const notification of notifications) {
    const rules = mapping.rules.filter((rule) => applies(rule, notification));
    if (rules.length === 0) unmatched += 1;
    for (const rule of rules) intentsOf(rule, notification, into, skipped);
  }
  return { ...into, skipped, unmatched };
}
