import type { SQSEvent, SQSRecord } from 'aws-lambda';

/** An SQS record as Lambda delivers it, with the fields consumers read. */
export function sqsRecord(
  body: unknown,
  overrides: { messageId?: string; receiveCount?: number; attributes?: Record<string, string> } = {},
): SQSRecord {
  const messageId = overrides.messageId ?? `m-${Math.random().toString(36).slice(2)}`;
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(overrides.receiveCount ?? 1),
      SentTimestamp: '1700000000000',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '1700000000000',
    },
    messageAttributes: Object.fromEntries(
      Object.entries(overrides.attributes ?? {}).map(([name, value]) => [
        name,
        { dataType: 'String', stringValue: value, stringListValues: [], binaryListValues: [] },
      ]),
    ),
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:test',
    awsRegion: 'us-east-1',
  };
}

export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}
