/** How `switchboard dlq` prints what it read and did: text for people, JSON for scripts. */
import type { DeadLetter, DeadLetterListing, RedriveResult } from '../../lib/sqs/dead-letters.js';
import type { MoveTaskProgress } from '../../lib/sqs/message-move-task.js';
import type { DeadLetterQueue } from './dlq-queues.js';

export interface QueueListing extends DeadLetterListing {
  queue: DeadLetterQueue;
  /** Whether the messages themselves were asked for (--queue). */
  withMessages: boolean;
}

/** A message as `list` shows it: ids, reason and intent, never its data. */
function row(letter: DeadLetter) {
  return {
    id: letter.messageId,
    reason_code: letter.reasonCode,
    reason: letter.reason,
    dead_lettered_at: letter.deadLetteredAt,
    delivery_count: letter.deliveryCount,
    summary: letter.summary,
  };
}

export function listingJson(listings: readonly QueueListing[]): unknown {
  return listings.map((listing) => ({
    queue: listing.queue.name,
    dlq: listing.queue.dlqName,
    total: listing.total,
    by_reason: listing.byReason,
    in_flight: listing.inFlight,
    ...(listing.withMessages ? { messages: listing.messages.map(row) } : {}),
  }));
}

export function listingText(listings: readonly QueueListing[]): string {
  return listings
    .map((listing) => {
      const lines = [`${listing.queue.name.padEnd(11)} ${listing.queue.dlqName}: ${messages(listing.total)}`];
      for (const [code, count] of Object.entries(listing.byReason).sort((a, b) => b[1] - a[1]))
        lines.push(`  ${code.padEnd(40)} ${count}`);
      if (listing.inFlight > 0) lines.push(`  (${messages(listing.inFlight)} in flight elsewhere, not read)`);
      for (const letter of listing.withMessages ? listing.messages : []) {
        const deliveries = letter.deliveryCount === undefined ? '' : `, ${letter.deliveryCount} deliveries`;
        lines.push(`  ${letter.messageId}  ${letter.reasonCode}  ${letter.deadLetteredAt ?? '-'}${deliveries}`);
        lines.push(`      ${letter.summary}`);
        if (letter.reason) lines.push(`      ${letter.reason.split('\n')[0]}`);
      }
      return `${lines.join('\n')}\n`;
    })
    .join('');
}

export function letterJson(queue: DeadLetterQueue, letter: DeadLetter): unknown {
  return { queue: queue.name, dlq: queue.dlqName, ...row(letter), attributes: letter.attributes, body: parsed(letter) };
}

export function letterText(queue: DeadLetterQueue, letter: DeadLetter): string {
  const attributes = Object.entries(letter.attributes).map(([name, value]) => `  ${name}: ${value}`);
  const body = parsed(letter);
  return [
    `Message ${letter.messageId} on ${queue.dlqName}`,
    'Attributes:',
    ...attributes,
    'Body:',
    typeof body === 'string' ? body : JSON.stringify(body, null, 2),
    '',
  ].join('\n');
}

export function redriveText(queue: DeadLetterQueue, result: RedriveResult): string {
  const lines = [`${queue.name}: moved ${messages(result.moved)} to ${queue.queueUrl}; ${result.skipped} skipped`];
  if (result.held > 0) lines.push(`  ${messages(result.held)} held by another reader: run the redrive again`);
  if (result.notDeleted.length > 0)
    lines.push(`  sent but still on the dead-letter queue (delete failed): ${result.notDeleted.join(', ')}`);
  if (result.error) lines.push(`  stopped: ${result.error}; the rest are still on the dead-letter queue`);
  return `${lines.join('\n')}\n`;
}

export function moveTaskText(queue: DeadLetterQueue, progress: MoveTaskProgress): string {
  const reason = progress.failureReason ? ` (${progress.failureReason})` : '';
  return `${queue.name}: move task ${progress.status}${reason}, ${messages(progress.moved)} moved\n`;
}

function parsed(letter: DeadLetter): unknown {
  try {
    return JSON.parse(letter.body);
  } catch {
    return letter.body;
  }
}

function messages(count: number): string {
  return `${count} message${count === 1 ? '' : 's'}`;
}
