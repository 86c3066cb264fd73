import { SqsQueueGateway } from '../../lib/clients/queue-gateway.js';
import { toMixpanelMessages } from '../../lib/clients/mixpanel/intents.js';
import { TEST_BATCHING_WINDOW_SECONDS, eventually, queueDepth, startHubWithSandbox } from '../support/hub-harness.js';

describe('a local hub started with its consumers paused', () => {
  it('keeps what is sent on the queues as a backlog until its consumers start, then relays it', async () => {
    const harness = await startHubWithSandbox({}, {}, { consumersPaused: true });
    try {
      const { hub, sandbox } = harness;
      const intent = {
        type: 'mixpanel.event' as const,
        event: {
          event: 'Support Ticket Created',
          properties: { time: Date.now() - 1000, distinct_id: 'u_backlog', $insert_id: 'backlog-1', source: 'test' },
        },
      };
      await new SqsQueueGateway(hub.sqs.client).send(
        hub.queues.get('MixpanelQueue')!.url,
        toMixpanelMessages([intent]),
      );
      // Three times the queue's batching window (capped at 1 s here), so a running consumer would have relayed it.
      await new Promise((resolve) => setTimeout(resolve, 3 * TEST_BATCHING_WINDOW_SECONDS * 1000));
      const waiting = await queueDepth(hub, 'MixpanelQueue');
      const importedWhilePaused = sandbox.mixpanel!.stats().importedRecords;

      await hub.startConsumers();
      const relayed = await eventually(() => (sandbox.mixpanel!.events('u_backlog').length > 0 ? true : undefined));

      expect(waiting).toBe(1);
      expect(importedWhilePaused).toBe(0);
      expect(relayed).toBe(true);
      expect(await eventually(async () => ((await queueDepth(hub, 'MixpanelQueue')) === 0 ? 0 : undefined))).toBe(0);
    } finally {
      await harness.stop();
    }
  }, 60_000);
});
