/**
 * `switchboard dlq list|show|redrive …`: reads the dead-letter queues (counts by reason, the
 * messages, one message whole) and moves messages back to their work queue after a fix. Against
 * the local hub by default; `--stage <name>` against a deployment. See the README's "Dead-letter
 * queue runbook".
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { listDeadLetters, readDeadLetter, type DeadLetter } from '../lib/sqs/dead-letters.js';
import { parseCommandLine, usageFailure } from './cli/command-line.js';
import { isQueueName, locateQueues, QUEUE_NAMES, type QueueName } from './cli/dlq-queues.js';
import { redrive, redriveSucceeded } from './cli/dlq-redrive.js';
import { letterJson, letterText, listingJson, listingText, moveTaskText, redriveText } from './cli/dlq-report.js';
import { EXIT, isUnreachable } from './cli/exit-codes.js';
import { resolveTarget, unreachableHint } from './cli/target.js';

const USAGE = `Usage: switchboard dlq list [--queue <queue>] [--reason <code>] [--limit <n>] [--stage <name>] [--json]
       switchboard dlq show <message id> [--queue <queue>] [--stage <name>] [--json]
       switchboard dlq redrive --queue <queue> [--reason <code>] [--limit <n>] [--stage <name>] [--json]

  list       per dead-letter queue, its messages by reason_code; with --queue, the messages too
             (id, reason, when, deliveries, intent and ids: never their data). Messages are read,
             not taken: each is hidden only while the list reads the queue
  show       one message: all its attributes and its body (every queue unless --queue)
  redrive    moves messages back to their work queue once the cause is fixed, as fresh messages
             (without the reason attributes); one at a time, deleted only once sent. On a stage,
             a whole queue goes by SQS's message move task
  --queue    ${QUEUE_NAMES.join(', ')}
  --reason   only messages of this reason_code ("none": those SQS moved itself)
  --limit    list: at most n messages shown (default 50); redrive: at most n moved
  --stage    a deployed stage instead of the local hub (npm start)
  --json     print the result as JSON

Exit status: 0 done (redrive: every selected message moved); 1 show found no such message, or
redrive left messages behind; 2 usage error; 3 the hub or the stage could not be reached.
`;

function usageError(message: string): never {
  return usageFailure('dlq', USAGE, message);
}

const { values, positionals } = parseCommandLine('dlq', USAGE, {
  queue: { type: 'string' },
  reason: { type: 'string' },
  limit: { type: 'string' },
  stage: { type: 'string' },
  json: { type: 'boolean' },
});
const [command, ...operands] = positionals;
if (command !== 'list' && command !== 'show' && command !== 'redrive')
  usageError(command ? `unknown command ${command}` : 'no command');
if (operands.length !== (command === 'show' ? 1 : 0))
  usageError(command === 'show' ? 'give one message id' : `unexpected ${operands.join(' ')}`);
if (values.queue !== undefined && !isQueueName(values.queue))
  usageError(`--queue must be one of ${QUEUE_NAMES.join(', ')}, not ${JSON.stringify(values.queue)}`);
if (command === 'redrive' && values.queue === undefined) usageError('redrive takes one --queue');
const limit = values.limit === undefined ? undefined : Number(values.limit);
if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) usageError('--limit must be a positive integer');
const names: QueueName[] = values.queue === undefined ? [...QUEUE_NAMES] : [values.queue];

const target = resolveTarget(values.stage);
const sqs = new SQSClient({
  region: target.region,
  ...(target.endpoints.sqs ? { endpoint: target.endpoints.sqs } : {}),
});
const print = (json: unknown, text: string) =>
  process.stdout.write(values.json ? `${JSON.stringify(json, null, 2)}\n` : text);

try {
  const queues = await locateQueues(sqs, target, names);
  if (command === 'list') {
    const listings = [];
    for (const queue of queues) {
      const listing = await listDeadLetters(sqs, queue.dlqUrl, { reason: values.reason, limit: limit ?? 50 });
      listings.push({ ...listing, queue, withMessages: values.queue !== undefined });
    }
    print(listingJson(listings), listingText(listings));
  } else if (command === 'show') {
    const id = operands[0] ?? '';
    let found = false;
    for (const queue of queues) {
      const letter: DeadLetter | undefined = await readDeadLetter(sqs, queue.dlqUrl, id);
      if (!letter) continue;
      print(letterJson(queue, letter), letterText(queue, letter));
      found = true;
      break;
    }
    if (!found) process.stderr.write(`dlq: no message ${id} on the ${names.join(', ')} dead-letter queue(s)\n`);
    process.exitCode = found ? EXIT.ok : EXIT.problem;
  } else {
    const [queue] = queues;
    if (!queue) throw new Error('no queue to redrive');
    const outcome = await redrive(sqs, queue, { reason: values.reason, limit, aws: !target.local });
    const json = {
      queue: queue.name,
      dlq: queue.dlqName,
      ...(outcome.kind === 'task' ? outcome.task : outcome.result),
    };
    print(json, outcome.kind === 'task' ? moveTaskText(queue, outcome.task) : redriveText(queue, outcome.result));
    process.exitCode = redriveSucceeded(outcome) ? EXIT.ok : EXIT.problem;
  }
} catch (error) {
  const unreachable = isUnreachable(error);
  process.stderr.write(`dlq: ${unreachable ? unreachableHint(target) : (error as Error).message}\n`);
  process.exitCode = unreachable ? EXIT.unreachable : EXIT.problem;
} finally {
  sqs.destroy();
}
