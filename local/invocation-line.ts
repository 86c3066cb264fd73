import type { Invocation } from './event-source-mapping.js';

const FAILED: Record<Exclude<Invocation['outcome'], 'ok' | 'partial'>, string> = {
  error: 'error',
  timeout: 'timed out',
  crashed: 'crashed',
  'invalid-response': 'invalid response',
};

/**
 * The line `npm start` prints per batch, e.g. `[salesforceWriter] batch of 3: 1 processed,
 * 2 dead-lettered in 40 ms`. It says what the consumer did with the messages, from its batch
 * summary, since a dead-lettered message is a success to Lambda; "retried" is Lambda's own view:
 * the messages left on the queue (the failures reported, or the whole batch).
 */
export function invocationLine(invocation: Invocation): string {
  const { functionName, size, failed, outcome, summary, error } = invocation;
  const ms = invocation.endedAt - invocation.startedAt;
  const retried = failed > 0 ? [`${failed} retried`] : [];
  let what: string[];
  if (outcome !== 'ok' && outcome !== 'partial') {
    what = [FAILED[outcome], ...retried];
  } else if (summary) {
    what = [
      ...(summary.processed > 0 ? [`${summary.processed} processed`] : []),
      ...retried,
      ...(summary.deadLettered > 0 ? [`${summary.deadLettered} dead-lettered`] : []),
    ];
  } else {
    what = failed < size ? [`${size - failed} ok`, ...retried] : retried;
  }
  const reason = error && outcome !== 'timeout' ? ` (${error})` : '';
  return `[${functionName}] batch of ${size}: ${what.join(', ') || 'ok'} in ${ms} ms${reason}`;
}
