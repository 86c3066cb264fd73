import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  chunkForBatch,
  SEND_CONCURRENCY,
  SqsQueueGateway,
  sqsSafeJson,
  type OutgoingMessage,
} from '../../../lib/clients/queue-gateway.js';
import { PermanentError } from '../../../lib/errors.js';
import { createQueues, startLocalSqs, type LocalSqs } from '../../../local/local-sqs.js';

describe('chunkForBatch', () => {
  it('keeps at most 10 entries per SendMessageBatch', () => {
    const messages = Array.from({ length: 25 }, (_, i) => ({ body: `m${i}` }));

    expect(chunkForBatch(messages).map((chunk) => chunk.length)).toEqual([10, 10, 5]);
  });

  it('starts a new chunk before 256 KiB in total', () => {
    const big = { body: 'x'.repeat(100 * 1024) };

    expect(chunkForBatch([big, big, big]).map((chunk) => chunk.length)).toEqual([2, 1]);
  });

  it('refuses a single message over the SQS limit', () => {
    expect(() => chunkForBatch([{ body: 'x'.repeat(257 * 1024) }])).toThrow(PermanentError);
  });
});

describe('sqsSafeJson', () => {
  it('escapes only what SQS cannot carry, as JSON escapes', () => {
    expect(sqsSafeJson('{"a":"é ok"}')).toBe('{"a":"é ok"}');
    expect(sqsSafeJson(JSON.stringify({ a: '😀\uFFFF' }))).toBe('{"a":"\\ud83d\\ude00\\uffff"}');
  });
});

describe('SqsQueueGateway against a local SQS', () => {
  let sqs: LocalSqs;
  let gateway: SqsQueueGateway;
  let queueUrl: string;
  let dlqUrl: string;

  beforeAll(async () => {
    sqs = await startLocalSqs();
    const queues = await createQueues(sqs, [
      { logicalId: 'Dlq', name: 'gw-dlq', visibilityTimeoutSeconds: 30, attributes: {} },
      { logicalId: 'Main', name: 'gw-main', visibilityTimeoutSeconds: 30, attributes: {} },
    ]);
    queueUrl = queues.get('Main')!.url;
    dlqUrl = queues.get('Dlq')!.url;
    gateway = new SqsQueueGateway(sqs.client);
  });
  afterAll(async () => sqs.stop());

  async function receiveAll(
    url: string,
  ): Promise<Array<{ body: string; attributes: Record<string, string>; receipt: string }>> {
    const out: Array<{ body: string; attributes: Record<string, string>; receipt: string }> = [];
    for (;;) {
      const { Messages = [] } = await sqs.client.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
      );
      if (Messages.length === 0) return out;
      for (const message of Messages) {
        const attributes = Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? '']),
        );
        out.push({ body: message.Body ?? '', attributes, receipt: message.ReceiptHandle ?? '' });
      }
    }
  }

  it('enqueues every message with its attributes', async () => {
    const messages: OutgoingMessage[] = Array.from({ length: 23 }, (_, i) => ({
      body: `{"n":${i}}`,
      attributes: { intent: 'test' },
    }));

    await gateway.send(queueUrl, messages);

    const received = await receiveAll(queueUrl);
    expect(received.map((message) => message.body).sort()).toEqual(messages.map((message) => message.body).sort());
    expect(received.every((message) => message.attributes.intent === 'test')).toBe(true);
  });

  it('carries any JSON string, whatever SQS refuses raw, and gives back the same value', async () => {
    const value = {
      subject: 'Export fails 😀 \uFFFF \uFFFE \uD800 \uDFFF end',
      tags: ['𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'ok'],
      control: '\u0000\u0001\u001f',
    };

    await gateway.send(queueUrl, [{ body: JSON.stringify(value), attributes: { intent: 'test', note: 'a\uFFFFb' } }]);

    const [message] = await receiveAll(queueUrl);
    expect(JSON.parse(message!.body)).toEqual(value);
    expect(message!.body).not.toMatch(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD]/);
    expect(message!.attributes).toEqual({ intent: 'test', note: 'a\uFFFDb' });
  });

  it('dead-letters a message with its reason as attributes', async () => {
    await gateway.deadLetter(
      dlqUrl,
      { body: '{"x":1}', attributes: { intent: 'mixpanel.event' } },
      { code: 'INVALID_FIELD', message: 'No such column Foo__c' },
    );

    const [message] = await receiveAll(dlqUrl);
    expect(message?.body).toBe('{"x":1}');
    expect(message?.attributes).toMatchObject({
      intent: 'mixpanel.event',
      reason_code: 'INVALID_FIELD',
      reason: 'No such column Foo__c',
    });
    expect(Date.parse(message?.attributes.dead_lettered_at ?? '')).not.toBeNaN();
  });

  it('makes a received message visible again after the requested delay', async () => {
    await gateway.send(queueUrl, [{ body: 'later' }]);
    const [first] = await receiveAll(queueUrl);

    await gateway.retryLater(queueUrl, first!.receipt, 1);
    const immediately = await receiveAll(queueUrl);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const afterDelay = await receiveAll(queueUrl);

    expect(immediately).toEqual([]);
    expect(afterDelay.map((message) => message.body)).toEqual(['later']);
  });
});

describe('SqsQueueGateway.send', () => {
  /** An SQS client that answers every SendMessageBatch after `ms`, counting how many are in flight at once. */
  function slowSqs(ms: number) {
    const seen = { calls: 0, inFlight: 0, mostInFlight: 0 };
    const client = {
      send: async (command: { input: { Entries?: unknown[] } }) => {
        seen.calls += 1;
        seen.inFlight += 1;
        seen.mostInFlight = Math.max(seen.mostInFlight, seen.inFlight);
        await new Promise((resolve) => setTimeout(resolve, ms));
        seen.inFlight -= 1;
        return { Successful: command.input.Entries, Failed: [] };
      },
    };
    return { client: client as unknown as SQSClient, seen };
  }

  it('sends the batches of a large send side by side, a few at a time', async () => {
    const { client, seen } = slowSqs(30);
    const messages = Array.from({ length: 200 }, (_, i) => ({ body: JSON.stringify({ i }) }));

    await new SqsQueueGateway(client).send('http://sqs.local/q', messages);

    expect(seen.calls).toBe(20);
    expect(seen.mostInFlight).toBe(SEND_CONCURRENCY);
  });
});
