import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqsQueueGateway } from '../../lib/clients/queue-gateway.js';
import { toMixpanelMessages } from '../../lib/clients/mixpanel/intents.js';
import { runCommand } from '../support/command.js';
import { eventually, queueDepth, startHubWithSandbox } from '../support/hub-harness.js';

// Three passes through the Mixpanel queue's batching window (capped at 1 s here), and a worker's cold start.
jest.setTimeout(180_000);

const EVENTS = 6;

let harness: Awaited<ReturnType<typeof startHubWithSandbox>>;
let cwd: string;

beforeAll(async () => {
  harness = await startHubWithSandbox();
  cwd = mkdtempSync(join(tmpdir(), 'dlq-e2e-'));
}, 60_000);
afterAll(async () => {
  await harness.stop();
  rmSync(cwd, { recursive: true, force: true });
});

const mixpanel = () => harness.sandbox.mixpanel!;
const queueUrl = (logicalId: string) => harness.hub.queues.get(logicalId)!.url;

/** `switchboard dlq <args>` against this hub, from a folder without `.env`. */
async function dlq(...args: string[]): Promise<{ code: number | null; stdout: string; output: string }> {
  const command = runCommand('scripts/dlq.ts', args, {
    cwd,
    env: { HUB_PORT: new URL(harness.hub.url).port, SQS_PORT: new URL(harness.hub.sqs.endpoint).port },
  });
  const code = await command.exited;
  return { code, stdout: command.stdout(), output: command.output() };
}

function event(index: number) {
  return {
    type: 'mixpanel.event' as const,
    event: {
      event: 'Ticket Created',
      properties: { time: Date.now(), distinct_id: `user-${index}`, $insert_id: `dlq-e2e-${index}` },
    },
  };
}

describe('switchboard dlq against the local hub', () => {
  it('lists, shows and redrives what Mixpanel refused, and every event arrives exactly once', async () => {
    // Arrange: Mixpanel answers 404 to everything, a permanent refusal that dead-letters at once.
    mixpanel().setFaults({ errorRate: 1, errorStatus: 404 });
    const gateway = new SqsQueueGateway(harness.hub.sqs.client);
    await gateway.send(
      queueUrl('MixpanelQueue'),
      toMixpanelMessages(Array.from({ length: EVENTS }, (_, index) => event(index))),
    );
    await eventually(
      async () => ((await queueDepth(harness.hub, 'MixpanelDeadLetterQueue')) === EVENTS ? true : undefined),
      60_000,
    );
    // One message the fix does not help, of another reason.
    await gateway.deadLetter(queueUrl('MixpanelDeadLetterQueue'), toMixpanelMessages([event(99)])[0]!, {
      code: 'INVALID_PACK',
      message: 'damaged',
    });

    // Act: read
    const counts = await dlq('list', '--json');
    const listed = await dlq('list', '--queue', 'mixpanel', '--reason', 'MIXPANEL_404', '--json');
    const firstId = (JSON.parse(listed.stdout) as [{ messages: [{ id: string }] }])[0].messages[0].id;
    const shown = await dlq('show', firstId);
    const unknown = await dlq('show', 'no-such-message', '--queue', 'mixpanel');

    // Assert: read, and nothing taken
    expect(counts.code).toBe(0);
    expect(JSON.parse(counts.stdout)).toEqual([
      expect.objectContaining({ queue: 'salesforce', total: 0 }),
      expect.objectContaining({
        queue: 'mixpanel',
        total: EVENTS + 1,
        by_reason: { MIXPANEL_404: EVENTS, INVALID_PACK: 1 },
      }),
      expect.objectContaining({ queue: 'zendesk', total: 0 }),
      expect.objectContaining({ queue: 'usage', total: 0 }),
    ]);
    const [mixpanelListing] = JSON.parse(listed.stdout) as [{ messages: Array<Record<string, unknown>> }];
    expect(mixpanelListing.messages).toHaveLength(EVENTS);
    expect(mixpanelListing.messages[0]).toEqual({
      id: expect.any(String),
      reason_code: 'MIXPANEL_404',
      reason: expect.any(String),
      dead_lettered_at: expect.any(String),
      delivery_count: 1,
      summary: 'mixpanel.event',
    });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`Message ${firstId} on switchboard-local-mixpanel-dlq`);
    expect(shown.stdout).toContain('  reason_code: MIXPANEL_404');
    expect(shown.stdout).toContain('"$insert_id": "dlq-e2e-');
    expect(unknown.code).toBe(1);
    expect(await queueDepth(harness.hub, 'MixpanelDeadLetterQueue')).toBe(EVENTS + 1);

    // Act: fix, then redrive the refused ones
    mixpanel().setFaults({});
    const importedBefore = mixpanel().stats().importedRecords;
    const redrive = await dlq('redrive', '--queue', 'mixpanel', '--reason', 'MIXPANEL_404', '--json');

    // Assert: each event imported once, none missing; the other reason stays
    expect(redrive.code).toBe(0);
    expect(JSON.parse(redrive.stdout)).toMatchObject({ queue: 'mixpanel', moved: EVENTS, skipped: 1, held: 0 });
    await eventually(() => (mixpanel().events().length === EVENTS ? true : undefined), 60_000);
    await eventually(async () => ((await queueDepth(harness.hub, 'MixpanelQueue')) === 0 ? true : undefined));
    const insertIds = mixpanel()
      .events()
      .map((stored) => stored.properties.$insert_id)
      .sort();
    expect(insertIds).toEqual(Array.from({ length: EVENTS }, (_, index) => `dlq-e2e-${index}`));
    expect(mixpanel().stats().importedRecords - importedBefore).toBe(EVENTS);
    const left = await dlq('list', '--queue', 'mixpanel', '--json');
    expect(JSON.parse(left.stdout)).toEqual([expect.objectContaining({ total: 1, by_reason: { INVALID_PACK: 1 } })]);

    // Act: the rest, without a filter
    const rest = await dlq('redrive', '--queue', 'mixpanel');

    // Assert: the dead-letter queue is empty, and its last event arrived once too
    expect({ code: rest.code, output: rest.output }).toEqual({
      code: 0,
      output: expect.stringContaining('moved 1 message'),
    });
    await eventually(() => (mixpanel().events().length === EVENTS + 1 ? true : undefined), 60_000);
    expect(mixpanel().stats().importedRecords - importedBefore).toBe(EVENTS + 1);
    expect(await queueDepth(harness.hub, 'MixpanelDeadLetterQueue')).toBe(0);
  });
});
