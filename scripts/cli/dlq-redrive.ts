/**
 * `switchboard dlq redrive`: a whole queue on AWS goes by SQS's message move task; a filtered or
 * limited redrive, and any redrive on the local hub (whose SQS has no move task), goes message by
 * message through `redriveDeadLetters`.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { SingleBar } from 'cli-progress';
import { redriveDeadLetters, type RedriveResult } from '../../lib/sqs/dead-letters.js';
import { followMoveTask, startMoveTask, type MoveTaskProgress } from '../../lib/sqs/message-move-task.js';
import { queueArn, waitingMessages, type DeadLetterQueue } from './dlq-queues.js';

export interface RedriveRequest {
  reason?: string | undefined;
  limit?: number | undefined;
  /** A deployed stage, where SQS can move a whole queue itself. */
  aws: boolean;
}

export type RedriveOutcome = { kind: 'messages'; result: RedriveResult } | { kind: 'task'; task: MoveTaskProgress };

/** Whether the outcome moved everything it selected. */
export function redriveSucceeded(outcome: RedriveOutcome): boolean {
  if (outcome.kind === 'task') return outcome.task.status === 'COMPLETED';
  const { result } = outcome;
  return result.error === undefined && result.held === 0 && result.notDeleted.length === 0;
}

export async function redrive(
  sqs: SQSClient,
  queue: DeadLetterQueue,
  request: RedriveRequest,
): Promise<RedriveOutcome> {
  const waiting = await waitingMessages(sqs, queue.dlqUrl);
  const bar = new SingleBar({
    format: `redrive ${queue.name} {bar} {value}/{total} moved | {skipped} skipped | {duration_formatted}`,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 10_000,
    stream: process.stderr,
  });
  bar.start(Math.min(waiting, request.limit ?? waiting), 0, { skipped: 0 });
  try {
    if (request.aws && request.reason === undefined && request.limit === undefined) {
      const arns = { dlqArn: await queueArn(sqs, queue.dlqUrl), queueArn: await queueArn(sqs, queue.queueUrl) };
      const handle = await startMoveTask(sqs, arns);
      const task = await followMoveTask(sqs, arns.dlqArn, handle, {
        onProgress: (progress) => {
          if (progress.toMove !== undefined) bar.setTotal(progress.toMove);
          bar.update(progress.moved);
        },
      });
      return { kind: 'task', task };
    }
    const result = await redriveDeadLetters(
      sqs,
      { dlqUrl: queue.dlqUrl, queueUrl: queue.queueUrl },
      {
        reason: request.reason,
        limit: request.limit,
        onProgress: ({ moved, skipped }) => {
          if (moved > bar.getTotal()) bar.setTotal(moved);
          bar.update(moved, { skipped });
        },
      },
    );
    return { kind: 'messages', result };
  } finally {
    bar.stop();
  }
}
