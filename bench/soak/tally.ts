import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { asText } from '../../lib/text.js';
import type { MixpanelEmulator } from '../../sandbox/mixpanel/index.js';
import type { SalesforceEmulator } from '../../sandbox/salesforce/index.js';
import type { Expectations } from './load.js';

const QUEUES = ['salesforce', 'mixpanel', 'zendesk'] as const;
const queueName = (api: string, dlq: boolean): string => `switchboard-local-${api}${dlq ? '-dlq' : ''}`;

/** Messages waiting or in flight on the hub's three work queues. */
export async function backlog(sqs: SQSClient): Promise<number> {
  let total = 0;
  for (const api of QUEUES) {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName(api, false) }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    total +=
      Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  }
  return total;
}

export interface DeadLetter {
  queue: string;
  reasonCode: string;
  reason: string;
  key: string | undefined;
}

/** Every dead-lettered message with its reason; they stay hidden (not deleted) for the inspection. */
export async function deadLetters(sqs: SQSClient): Promise<DeadLetter[]> {
  const found: DeadLetter[] = [];
  for (const api of QUEUES) {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName(api, true) }));
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 600,
          MessageAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) break;
      for (const message of Messages) {
        const attribute = (name: string): string | undefined => message.MessageAttributes?.[name]?.StringValue;
        found.push({
          queue: api,
          reasonCode: attribute('reason_code') ?? '(none)',
          reason: attribute('reason') ?? '(none)',
          key: attribute('acceptance_id') ?? attribute('ticket_id') ?? keyFromBody(message.Body),
        });
      }
    }
  }
  return found;
}

function keyFromBody(body: string | undefined): string | undefined {
  const match = /"(?:acceptance_id|ticketId)":"([^"]+)"/.exec(body ?? '');
  return match?.[1];
}

export interface SoakReport {
  sent: number;
  accepted: number;
  refused: number;
  written: number;
  events: number;
  duplicates: number;
  staleCases: number;
  deadLettered: number;
  deadLetteredByReason: Record<string, number>;
  unexpectedDeadLetters: number;
  lost: number;
  lostKeys: string[];
}

/**
 * Counts effects by natural key in the emulators: one Case per ticket (in its newest status) and
 * one evidence record per acceptance, each lifecycle event once; what is missing and not in a
 * dead-letter queue as designed is lost.
 */
export function tally(
  expect: Expectations,
  emulators: { salesforce: SalesforceEmulator; mixpanel: MixpanelEmulator },
  dead: readonly DeadLetter[],
  posts: { sent: number; accepted: number; refused: number },
): SoakReport {
  const cases = countBy(emulators.salesforce.records('Case'), (record) => String(record.Zendesk_Ticket_Id__c ?? ''));
  const evidence = countBy(emulators.salesforce.records('Terms_Acceptance__c'), (record) =>
    String(record.Acceptance_Id__c ?? ''),
  );
  const events = new Map<string, number>();
  for (const event of emulators.mixpanel.events()) {
    const p = event.properties;
    const key = `${event.event}|${asText(p.ticket_id ?? p.acceptance_id ?? '')}`;
    events.set(key, (events.get(key) ?? 0) + 1);
  }
  const statusOf = new Map(
    emulators.salesforce.records('Case').map((record) => [String(record.Zendesk_Ticket_Id__c), String(record.Status)]),
  );
  const deadByKey = new Map(dead.map((letter) => [letter.key, letter]));
  const lostKeys: string[] = [];
  let written = 0;
  let eventCount = 0;
  let staleCases = 0;

  for (const [id, wanted] of expect.tickets) {
    const found = cases.get(id) ?? 0;
    written += Math.min(found, 1);
    const missingEvents = [...wanted.events].filter((name) => !events.has(`${name}|${id}`));
    eventCount += wanted.events.size - missingEvents.length;
    if (found > 0 && statusOf.get(id) !== wanted.finalStatus) staleCases += 1;
    if ((found === 0 || missingEvents.length > 0) && !deadByKey.has(id)) lostKeys.push(`ticket ${id}`);
  }
  for (const id of expect.acceptances) {
    const found = evidence.get(id) ?? 0;
    written += Math.min(found, 1);
    const hasEvent = events.has(`Terms Accepted|${id}`);
    eventCount += hasEvent ? 1 : 0;
    if ((found === 0 || !hasEvent) && !deadByKey.has(id)) lostKeys.push(`acceptance ${id}`);
  }
  const duplicates = [...cases.values(), ...evidence.values(), ...events.values()].filter((count) => count > 1).length;
  const designed = dead.filter(
    (letter) => letter.reasonCode === 'EVIDENCE_CONFLICT' && expect.conflicts.has(letter.key ?? ''),
  );
  const byReason: Record<string, number> = {};
  for (const letter of dead) byReason[letter.reasonCode] = (byReason[letter.reasonCode] ?? 0) + 1;
  return {
    ...posts,
    written,
    events: eventCount,
    duplicates,
    staleCases,
    deadLettered: dead.length,
    deadLetteredByReason: byReason,
    unexpectedDeadLetters: dead.length - designed.length,
    lost: lostKeys.length,
    lostKeys: lostKeys.slice(0, 20),
  };
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
