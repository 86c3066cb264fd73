import { LONE_CARRIES } from '../../lib/clients/mixpanel/carry.js';
import { packEvents } from '../../lib/clients/mixpanel/packs.js';
import type { MixpanelEvent } from '../../lib/clients/mixpanel/types.js';
import { SqsQueueGateway } from '../../lib/clients/queue-gateway.js';
import type { Invocation } from '../../local/event-source-mapping.js';
import { eventually, queueDepth, startHubWithSandbox } from '../support/hub-harness.js';

const events = (prefix: string, count: number): MixpanelEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    event: 'Terms Accepted',
    properties: { time: Date.now() - 60_000, distinct_id: `u_${prefix}${i}`, $insert_id: `${prefix}-${i}` },
  }));

describe('the mixpanel-sender on the local hub, with its carry', () => {
  it('puts a part-filled last call back on its queue, and sends it after LONE_CARRIES more lone returns', async () => {
    const invocations: Invocation[] = [];
    const harness = await startHubWithSandbox(
      {},
      {},
      {
        consumersPaused: true,
        onInvocation: (invocation) => {
          if (invocation.functionName === 'mixpanelSender') invocations.push(invocation);
        },
      },
    );
    try {
      const { hub, sandbox } = harness;
      const mixpanel = sandbox.mixpanel!;
      await new SqsQueueGateway(hub.sqs.client).send(hub.queues.get('MixpanelQueue')!.url, [
        ...packEvents(events('a', 1_500)),
        ...packEvents(events('b', 1_000)),
      ]);

      await hub.startConsumers();
      await eventually(() => (mixpanel.stats().importedRecords >= 2_500 ? true : undefined));
      await eventually(async () => ((await queueDepth(hub, 'MixpanelQueue')) === 0 ? true : undefined));

      // Two packs made one full call and 500 carried; the carried pack came back alone each time.
      expect(invocations.map((invocation) => [invocation.size, invocation.outcome])).toEqual([
        [2, 'ok'],
        ...Array.from({ length: LONE_CARRIES + 1 }, () => [1, 'ok']),
      ]);
      const imports = mixpanel.callLog().filter((call) => call.endpoint === 'import');
      expect(imports).toHaveLength(2);
      expect(mixpanel.stats().importedRecords).toBe(2_500);
      expect(await queueDepth(hub, 'MixpanelDeadLetterQueue')).toBe(0);
    } finally {
      await harness.stop();
    }
  }, 60_000);
});
