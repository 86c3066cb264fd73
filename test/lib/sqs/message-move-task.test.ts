import {
  ListMessageMoveTasksCommand,
  StartMessageMoveTaskCommand,
  type ListMessageMoveTasksResultEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { followMoveTask, startMoveTask, type MoveTaskProgress } from '../../../lib/sqs/message-move-task.js';

const ARNS = {
  dlqArn: 'arn:aws:sqs:eu-west-1:123456789012:switchboard-prod-mixpanel-dlq',
  queueArn: 'arn:aws:sqs:eu-west-1:123456789012:switchboard-prod-mixpanel',
};

/** An SQS that records the commands it is sent and lists the scripted task states, one per call. */
function fakeSqs(listings: ListMessageMoveTasksResultEntry[][]) {
  const commands: object[] = [];
  const client = {
    send: (command: object) => {
      commands.push(command);
      if (command instanceof StartMessageMoveTaskCommand) return Promise.resolve({ TaskHandle: 'task-1' });
      if (command instanceof ListMessageMoveTasksCommand) return Promise.resolve({ Results: listings.shift() });
      return Promise.reject(new Error('unexpected command'));
    },
  } as unknown as SQSClient;
  return { client, commands };
}

describe('the message move task', () => {
  it('starts a task from the dead-letter queue to its work queue', async () => {
    // Arrange
    const sqs = fakeSqs([]);

    // Act
    const handle = await startMoveTask(sqs.client, ARNS, 50);

    // Assert
    expect(handle).toBe('task-1');
    expect(sqs.commands).toHaveLength(1);
    expect((sqs.commands[0] as StartMessageMoveTaskCommand).input).toEqual({
      SourceArn: ARNS.dlqArn,
      DestinationArn: ARNS.queueArn,
      MaxNumberOfMessagesPerSecond: 50,
    });
  });

  it('follows the task by its handle while it runs, then as the newest task once SQS drops the handle', async () => {
    // Arrange
    const sqs = fakeSqs([
      [
        { TaskHandle: 'task-1', Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 40 },
        { Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 7 },
      ],
      [
        { Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 120, ApproximateNumberOfMessagesToMove: 120 },
        { Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 7 },
      ],
    ]);
    const seen: MoveTaskProgress[] = [];

    // Act
    const last = await followMoveTask(sqs.client, ARNS.dlqArn, 'task-1', {
      pollMs: 1,
      onProgress: (progress) => seen.push(progress),
    });

    // Assert
    expect(seen.map((progress) => [progress.status, progress.moved])).toEqual([
      ['RUNNING', 40],
      ['COMPLETED', 120],
    ]);
    expect(last).toEqual({ status: 'COMPLETED', moved: 120, toMove: 120 });
    expect((sqs.commands[0] as ListMessageMoveTasksCommand).input).toEqual({ SourceArn: ARNS.dlqArn, MaxResults: 10 });
  });

  it('reports a failed task with its reason', async () => {
    // Arrange
    const sqs = fakeSqs([[{ Status: 'FAILED', FailureReason: 'AccessDenied', ApproximateNumberOfMessagesMoved: 3 }]]);

    // Act
    const last = await followMoveTask(sqs.client, ARNS.dlqArn, 'task-1', { pollMs: 1 });

    // Assert
    expect(last).toEqual({ status: 'FAILED', moved: 3, toMove: undefined, failureReason: 'AccessDenied' });
  });
});
