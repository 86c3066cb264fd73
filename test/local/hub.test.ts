import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { SqsQueueGateway } from '../../lib/clients/queue-gateway.js';
import { toMixpanelMessages } from '../../lib/clients/mixpanel/intents.js';
import { resolve } from 'node:path';
import type { Invocation } from '../../local/event-source-mapping.js';
import { startHub, type RunningHub } from '../../local/hub.js';
import type { Sandbox } from '../../sandbox/launch.js';
import { TEST_BATCHING_WINDOW_SECONDS, eventually as until, startHubWithSandbox } from '../support/hub-harness.js';

let harness: Awaited<ReturnType<typeof startHubWithSandbox>>;
let sandbox: Sandbox;
let hub: RunningHub;
const invocations: Invocation[] = [];

beforeAll(async () => {
  harness = await startHubWithSandbox({}, {}, { onInvocation: (invocation) => invocations.push(invocation) });
  ({ sandbox, hub } = harness);
}, 30_000);
afterAll(async () => harness.stop());

describe('the local hub', () => {
  it('serves the HTTP routes of serverless.yml with API Gateway semantics', async () => {
    const health = await fetch(`${hub.url}/health`);
    const unknown = await fetch(`${hub.url}/nope`);

    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', stage: 'local' });
    expect(health.headers.get('x-request-id')).toMatch(/[0-9a-f-]{36}/);
    expect(unknown.status).toBe(404);
  });

  it('relays an intent on the mixpanel queue to the Mixpanel sandbox, once, however often it is sent', async () => {
    const gateway = new SqsQueueGateway(hub.sqs.client);
    const intent = {
      type: 'mixpanel.event' as const,
      event: {
        event: 'Support Ticket Created',
        properties: { time: Date.now() - 1000, distinct_id: 'u_hub', $insert_id: 'hub-test-1', source: 'test' },
      },
    };

    await gateway.send(hub.queues.get('MixpanelQueue')!.url, toMixpanelMessages([intent, intent, intent]));

    const events = await until(() => {
      const held = sandbox.mixpanel!.events('u_hub');
      return held.length > 0 && sandbox.mixpanel!.stats().importedRecords >= 3 ? held : undefined;
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      event: 'Support Ticket Created',
      properties: { distinct_id: 'u_hub', source: 'test' },
    });
    // Three messages never fill a batch of 2,000: the batch waited out the capped window, not serverless.yml's 10 s.
    const sent = await until(() => invocations.find((invocation) => invocation.functionName === 'mixpanelSender'));
    expect(sent.waitedMs).toBeGreaterThanOrEqual(TEST_BATCHING_WINDOW_SECONDS * 1000 - 100);
    expect(sent.waitedMs).toBeLessThan(5_000);
  });

  it('dead-letters an intent Mixpanel rejects, with the reason', async () => {
    const gateway = new SqsQueueGateway(hub.sqs.client);
    const bad = {
      type: 'mixpanel.event' as const,
      event: { event: 'Broken', properties: { time: Date.now(), distinct_id: 'undefined', $insert_id: 'hub-test-2' } },
    };

    await gateway.send(hub.queues.get('MixpanelQueue')!.url, toMixpanelMessages([bad]));

    const dlq = hub.queues.get('MixpanelDeadLetterQueue')!.url;
    const message = await until(async () => {
      const { Messages } = await hub.sqs.client.send(
        new ReceiveMessageCommand({ QueueUrl: dlq, MessageAttributeNames: ['All'] }),
      );
      return Messages?.[0];
    });
    expect(JSON.parse(message.Body ?? '')).toEqual(bad);
    expect(message.MessageAttributes?.reason_code?.StringValue).toBe('MIXPANEL_INVALID_EVENT');
    expect(message.MessageAttributes?.reason?.StringValue).toContain('distinct_id');
  });
});

describe('a hub started with another queue visibility timeout', () => {
  it('refuses one no longer than a batching window, which would hand a batch to two pollers', async () => {
    await expect(
      startHub({ root: resolve(import.meta.dirname, '../..'), queueVisibilitySeconds: 10, env: {} }),
    ).rejects.toThrow('A queue visibility timeout of 10 s must be longer than the longest batching window (10 s)');
  });

  it('measures the batching windows as capped', async () => {
    await expect(
      startHub({
        root: resolve(import.meta.dirname, '../..'),
        maxBatchingWindowSeconds: 2,
        queueVisibilitySeconds: 2,
        env: {},
      }),
    ).rejects.toThrow('A queue visibility timeout of 2 s must be longer than the longest batching window (2 s)');
  });
});
