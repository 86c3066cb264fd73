/** A dry run's plan as text for a person. */
import type { DryRunPlan } from './plan.js';

const ROUTE_PATHS = {
  zendesk: 'POST /webhooks/zendesk',
  terms: 'POST /webhooks/terms',
  outbound: 'POST /webhooks/salesforce/{token}',
} as const;

const show = (value: unknown): string => JSON.stringify(value);
const versionOf = (update: { version?: { modstamp: string } }): string =>
  update.version ? ` (version ${update.version.modstamp})` : '';

function fields(values: Record<string, unknown>, indent: string): string[] {
  const width = Math.max(0, ...Object.keys(values).map((name) => name.length));
  return Object.entries(values).map(([name, value]) => `${indent}${name.padEnd(width)}  ${show(value)}`);
}

function section<T>(title: string, items: readonly T[], lines: (item: T) => string[]): string[] {
  return items.length === 0 ? [`${title}: none`] : [`${title} (${items.length}):`, ...items.flatMap(lines)];
}

/** The plan, and where it was read from, as the text `switchboard dry-run` prints. */
export function renderPlan(plan: DryRunPlan, sources: readonly string[]): string {
  const answerBody = typeof plan.answer.body === 'string' ? 'SOAP Ack' : show(plan.answer.body);
  return [
    `Dry run of ${ROUTE_PATHS[plan.route]}: nothing was written.`,
    `The webhook would answer ${plan.answer.status} ${answerBody}`,
    '',
    ...section('Salesforce writes', plan.salesforce, (write) => [
      `  ${write.operation} ${write.object} (${write.externalIdField} ${show(write.externalId)}): ${write.outcome}`,
      ...fields(write.record, '    '),
    ]),
    ...section('Mixpanel events', plan.mixpanel.events, (event) => [
      `  ${event.event} on ${show(event.properties.distinct_id)} ($insert_id ${event.properties.$insert_id})`,
      ...fields(event.properties, '    '),
    ]),
    ...section('Mixpanel profile updates', plan.mixpanel.profiles, (update) => [
      `  ${update.operation} on ${show(update.distinctId)}${versionOf(update)}`,
      ...(Array.isArray(update.values) ? [`    ${show(update.values)}`] : fields(update.values, '    ')),
    ]),
    ...section('Mixpanel group updates', plan.mixpanel.groups, (update) => [
      `  ${update.operation} on ${update.groupKey} ${show(update.groupId)}${versionOf(update)}`,
      ...(Array.isArray(update.values) ? [`    ${show(update.values)}`] : fields(update.values, '    ')),
    ]),
    ...(plan.processingTime.length > 0
      ? [
          'Known only when the writes happen:',
          ...plan.processingTime.map((value) => `  ${value.path} = ${value.value}`),
        ]
      : []),
    ...(plan.notes.length > 0 ? ['Notes:', ...plan.notes.map((note) => `  ${note}`)] : []),
    `Read-only calls: ${plan.reads.length > 0 ? plan.reads.join('; ') : 'none'}`,
    `Read from: ${sources.join('; ')}`,
    '',
  ].join('\n');
}
