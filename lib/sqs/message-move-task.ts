/**
 * SQS's own redrive (a message move task), for a whole dead-letter queue on AWS: SQS moves every
 * message back to the work queue at its own pace (at most 500 a second) without the messages
 * passing through the caller. The local SQS has none; `redriveDeadLetters` does the same there.
 */
import { ListMessageMoveTasksCommand, StartMessageMoveTaskCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface MoveTaskArns {
  dlqArn: string;
  /** The work queue the messages came from: the consumers dead-letter by SendMessage, so SQS cannot infer it. */
  queueArn: string;
}

export interface MoveTaskProgress {
  /** RUNNING, COMPLETED, CANCELLING, CANCELLED or FAILED. */
  status: string;
  moved: number;
  toMove: number | undefined;
  failureReason?: string;
}

const FINISHED = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);

/** Starts moving every message of the dead-letter queue back to its work queue; returns the task handle. */
export async function startMoveTask(sqs: SQSClient, arns: MoveTaskArns, maxPerSecond?: number): Promise<string> {
  const { TaskHandle } = await sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: arns.dlqArn,
      DestinationArn: arns.queueArn,
      ...(maxPerSecond === undefined ? {} : { MaxNumberOfMessagesPerSecond: maxPerSecond }),
    }),
  );
  if (!TaskHandle) throw new Error('SQS answered StartMessageMoveTask without a task handle');
  return TaskHandle;
}

/**
 * Follows a move task to its end, telling `onProgress` at every poll. SQS lists a task's handle
 * only while it runs, and lists the newest task first; a queue runs one task at a time, so once
 * the handle is gone the newest task is this one, finished.
 */
export async function followMoveTask(
  sqs: SQSClient,
  dlqArn: string,
  taskHandle: string,
  options: { onProgress?: (progress: MoveTaskProgress) => void; pollMs?: number } = {},
): Promise<MoveTaskProgress> {
  for (;;) {
    const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }));
    const entry = Results.find((candidate) => candidate.TaskHandle === taskHandle) ?? Results[0];
    if (!entry) throw new Error(`SQS lists no message move task for ${dlqArn}`);
    const progress: MoveTaskProgress = {
      status: entry.Status ?? 'UNKNOWN',
      moved: entry.ApproximateNumberOfMessagesMoved ?? 0,
      toMove: entry.ApproximateNumberOfMessagesToMove,
      ...(entry.FailureReason ? { failureReason: entry.FailureReason } : {}),
    };
    options.onProgress?.(progress);
    if (FINISHED.has(progress.status)) return progress;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2000));
  }
}
