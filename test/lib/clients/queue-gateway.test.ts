import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  SEND_CONCURRENCY,
  SqsQueueGateway,
  sqsSafeJson,
  type OutgoingMessage,
} from '../../../lib/clients/queue-gateway.js';
import { PermanentError } from '../../../lib/errors.js';
import { createQueues, startLocalSqs, type LocalSqs } from '../../../local/local-sqs.js';

/** An SQS client that fails the entries whose body `verdict` names, and records every batch it is sent. */
function judgingSqs(verdict: (body: string) => 'ok' | 'refused' | 'internal' = () => 'ok') {
  const batches: string[][] = [];
  const client = {
    send: (command: { input: { Entries: Array<{ Id: string; MessageBody: string }> } }) => {
      const entries = command.input.Entries;
      batches.push(entries.map((entry) => entry.MessageBody));
      const judged = entries.map((entry) => ({ entry, verdict: verdict(entry.MessageBody) }));
      return Promise.resolve({
        Successful: judged.filter((j) => j.verdict === 'ok').map((j) => ({ Id: j.entry.Id })),
        Failed: judged
          .filter((j) => j.verdict !== 'ok')
          .map((j) =>
            j.verdict === 'refused'
              ? { Id: j.entry.Id, SenderFault: true, Code: 'InvalidParameterValue', Message: 'bad' }
              : { Id: j.entry.Id, SenderFault: false, Code: 'InternalError' },
          ),
      });
    },
  };
  return { client: client as unknown as SQSClient, batches };
}

describe('SqsQueueGateway.send batching', () => {
  const url = 'http://sqs.local/q';

  it('keeps at most 10 entries per SendMessageBatch', async () => {
    const { client, batches } = judgingSqs();

    await new SqsQueueGateway(client).send(
      url,
      Array.from({ length: 25 }, (_, i) => ({ body: `"m${i}"` })),
    );

    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
  });

  it('starts a new batch before 256 KiB in total', async () => {
    const { client, batches } = judgingSqs();
    const big = { body: JSON.stringify('x'.repeat(100 * 1024)) };

    await new SqsQueueGateway(client).send(
      url,
      Array.from({ length: 12 }, () => big),
    );

    expect(batches.map((batch) => batch.length)).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it('refuses a message over the SQS limit, sending nothing', async () => {
    const { client, batches } = judgingSqs();

    await expect(
      new SqsQueueGateway(client).send(url, [{ body: JSON.stringify('x'.repeat(257 * 1024)) }]),
    ).rejects.toBeInstanceOf(PermanentError);
    expect(batches).toEqual([]);
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

  const one = (n: number): OutgoingMessage[] => [{ body: JSON.stringify({ n }) }];

  it('gathers the one-message sends of 25 concurrent callers into 3 SendMessageBatch calls', async () => {
    const { client, batches } = judgingSqs();
    const gateway = new SqsQueueGateway(client);

    await Promise.all(Array.from({ length: 25 }, (_, n) => gateway.send('http://sqs.local/q', one(n))));

    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(batches.flat().sort()).toEqual(Array.from({ length: 25 }, (_, n) => JSON.stringify({ n })).sort());
  });

  it('fails only the caller whose message SQS refused, for good, and retries an internal failure once', async () => {
    let internalFailures = 1;
    const { client, batches } = judgingSqs((body) => {
      if (body === '{"n":1}') return 'refused';
      if (body === '{"n":2}' && internalFailures > 0) {
        internalFailures -= 1;
        return 'internal';
      }
      return 'ok';
    });
    const gateway = new SqsQueueGateway(client);

    const results = await Promise.allSettled([0, 1, 2, 3].map((n) => gateway.send('http://sqs.local/q', one(n))));

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
      name: 'PermanentError',
      code: 'InvalidParameterValue',
    });
    expect(batches).toEqual([['{"n":0}', '{"n":1}', '{"n":2}', '{"n":3}'], ['{"n":2}']]);
  });

  it('fails as retryable a message SQS failed twice on its side, and only its own caller', async () => {
    const { client } = judgingSqs((body) => (body === '{"n":0}' ? 'internal' : 'ok'));
    const gateway = new SqsQueueGateway(client);

    const [failed, fine] = await Promise.allSettled([0, 1].map((n) => gateway.send('http://sqs.local/q', one(n))));

    expect(failed).toMatchObject({ status: 'rejected', reason: { name: 'RetryableError' } });
    expect(fine?.status).toBe('fulfilled');
  });

  it('fails a send for good when one of its messages was refused, whatever else failed for a while', async () => {
    const verdict = (body: string) => (body === '{"n":0}' ? 'internal' : body === '{"n":2}' ? 'refused' : 'ok');
    const { client } = judgingSqs(verdict);
    const gateway = new SqsQueueGateway(client);
    const messages = (count: number) => Array.from({ length: count }, (_, n) => one(n)).flat();

    await expect(gateway.send('http://sqs.local/q', messages(3))).rejects.toMatchObject({ name: 'PermanentError' });
    await expect(gateway.send('http://sqs.local/q', messages(12))).rejects.toMatchObject({ name: 'PermanentError' });
  });

  it('refuses an oversized message to its own caller before it can share a call', async () => {
    const { client, batches } = judgingSqs();
    const gateway = new SqsQueueGateway(client);

    const [big, small] = await Promise.allSettled([
      gateway.send('http://sqs.local/q', [{ body: JSON.stringify('x'.repeat(257 * 1024)) }]),
      gateway.send('http://sqs.local/q', one(1)),
    ]);

    expect(big).toMatchObject({ status: 'rejected', reason: { code: 'MESSAGE_TOO_LARGE' } });
    expect(small?.status).toBe('fulfilled');
    expect(batches).toEqual([['{"n":1}']]);
  });

  it('sends the batches of a large send side by side, a few at a time', async () => {
    const { client, seen } = slowSqs(30);
    const messages = Array.from({ length: 200 }, (_, i) => ({ body: JSON.stringify({ i }) }));

    await new SqsQueueGateway(client).send('http://sqs.local/q', messages);

    expect(seen.calls).toBe(20);
    expect(seen.mostInFlight).toBe(SEND_CONCURRENCY);
  });
});
