import type { SQSBatchResponse } from 'aws-lambda';
import { ApiPause } from '../../../../lib/clients/api-pause.js';
import { MixpanelClient } from '../../../../lib/clients/mixpanel/client.js';
import { MixpanelIntent, sendMixpanelIntents } from '../../../../lib/clients/mixpanel/intents.js';
import { PausedMixpanelGateway } from '../../../../lib/clients/mixpanel/paused.js';
import type { StateStore } from '../../../../lib/clients/state-store.js';
import { BACKOFF } from '../../../../lib/sqs/backoff.js';
import { createBatchConsumer } from '../../../../lib/sqs/consumer.js';
import type { LocalDynamoDb } from '../../../../local/local-dynamodb.js';
import {
  defaultMixpanelConfig,
  startMixpanelEmulator,
  type MixpanelEmulator,
} from '../../../../sandbox/mixpanel/index.js';
import { FakeQueueGateway } from '../../../support/fake-queue-gateway.js';
import { startStateTable, probedStore } from '../../../support/local-state-table.js';
import { sqsEvent, sqsRecord } from '../../../support/sqs-events.js';

const TABLE = 'switchboard-test-state';
const QUEUE = 'http://sqs.local/mixpanel';
let db: LocalDynamoDb;
let store: StateStore;
let emulator: MixpanelEmulator;
let now: number;

beforeAll(async () => {
  db = await startStateTable(TABLE);
});
afterAll(async () => db.stop());
beforeEach(async () => {
  // Real time: the state store reads an item past its expiresAt (against the real clock) as absent.
  now = Math.floor(Date.now() / 1000) * 1000;
  // One request a minute: the second gets Mixpanel's 429.
  emulator = await startMixpanelEmulator({ rateLimit: { windowMs: 60_000, maxRequests: 1 }, clock: () => now });
  store = probedStore(db, TABLE).store;
  await store.deleteMany([{ pk: 'api#pause#mixpanel', sk: 'pause' }]);
});
afterEach(async () => emulator.stop());

/** Events sent so far, for unique insert ids. */
let sent = 0;

/** One mixpanel-sender container: its own client and pause cache, the shared state table, its queue's record. */
function sender(): { send(count: number): Promise<SQSBatchResponse>; queue: FakeQueueGateway } {
  const account = defaultMixpanelConfig.serviceAccounts[0]!;
  const client = new MixpanelClient({
    apiUrl: emulator.url,
    projectId: defaultMixpanelConfig.projectId,
    projectToken: defaultMixpanelConfig.projectToken,
    serviceAccount: account.username,
    serviceAccountSecret: account.secret,
  });
  const mixpanel = new PausedMixpanelGateway(client, new ApiPause(store, 'mixpanel', { clock: () => now, cacheMs: 0 }));
  const queue = new FakeQueueGateway();
  const handler = createBatchConsumer({
    name: 'mixpanel',
    schema: MixpanelIntent,
    queue,
    queueUrl: QUEUE,
    dlqUrl: `${QUEUE}-dlq`,
    maxReceiveCount: 25,
    backoff: BACKOFF.mixpanel,
    handleBatch: (messages) =>
      sendMixpanelIntents(
        mixpanel,
        messages.map((message) => message.body),
      ),
  });
  return {
    queue,
    send: (count) =>
      handler(
        sqsEvent(
          Array.from({ length: count }, () => {
            sent += 1;
            const properties = { time: now - 60_000, distinct_id: 'u_1', $insert_id: `ins-${sent}` };
            return sqsRecord({ type: 'mixpanel.event', event: { event: 'Terms Accepted', properties } });
          }),
        ),
      ),
  };
}

const pauseItem = () => store.get({ pk: 'api#pause#mixpanel', sk: 'pause' });

describe('PausedMixpanelGateway', () => {
  it("fails another container's batch retryable, with no call to Mixpanel, after one container saw a 429", async () => {
    const [a, b] = [sender(), sender()];
    await a.send(2);
    const limited = await a.send(2);
    const callsBefore = emulator.calls().total;

    const refused = await b.send(3);

    expect(limited.batchItemFailures).toHaveLength(2);
    expect(refused.batchItemFailures).toHaveLength(3);
    expect(emulator.calls().total).toBe(callsBefore);
    // 2 s (the first step of Mixpanel's back-off) plus 1–5 s of jitter.
    for (const { delaySeconds } of b.queue.delayed) expect(delaySeconds).toBeGreaterThanOrEqual(3);
    expect(await pauseItem()).toMatchObject({ strikes: 1, pausedUntil: now + 2000 });
  });

  it('doubles the pause over consecutive 429s and clears the count after a success', async () => {
    const [a, b] = [sender(), sender()];
    await a.send(1);
    await a.send(1);

    now += 2_001;
    await b.send(1);
    const doubled = await pauseItem();
    now += 60_000;
    const sent = await a.send(1);

    expect(doubled).toMatchObject({ strikes: 2, pausedUntil: now - 60_000 + 4000 });
    expect(sent.batchItemFailures).toEqual([]);
    expect(await pauseItem()).toMatchObject({ strikes: 0 });
  });
});
