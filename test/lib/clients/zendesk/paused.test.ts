import { ApiPause } from '../../../../lib/clients/api-pause.js';
import type { StateStore } from '../../../../lib/clients/state-store.js';
import { ZendeskClient } from '../../../../lib/clients/zendesk/client.js';
import { PausedZendeskGateway } from '../../../../lib/clients/zendesk/paused.js';
import { RetryableError } from '../../../../lib/errors.js';
import type { LocalDynamoDb } from '../../../../local/local-dynamodb.js';
import { defaultZendeskConfig, startZendeskEmulator, type ZendeskEmulator } from '../../../../sandbox/zendesk/index.js';
import { probedStore, startStateTable } from '../../../support/local-state-table.js';

const TABLE = 'switchboard-test-state';
let db: LocalDynamoDb;
let store: StateStore;
let emulator: ZendeskEmulator;
let now: number;
let userId: number;

beforeAll(async () => {
  db = await startStateTable(TABLE);
});
afterAll(async () => db.stop());
beforeEach(async () => {
  // Real time: the state store reads an item past its expiresAt (against the real clock) as absent.
  now = Math.floor(Date.now() / 1000) * 1000;
  // One request a minute: the second gets a 429 with Retry-After until the window turns.
  emulator = await startZendeskEmulator({
    exportLagSeconds: 0,
    now: () => now,
    rateLimits: { requestsPerWindow: 1, windowMs: 60_000 },
  });
  userId = emulator.addUser({ name: 'Ada', email: 'ada@customer.example.com' }).id;
  store = probedStore(db, TABLE).store;
  await store.deleteMany([{ pk: 'api#pause#zendesk', sk: 'pause' }]);
});
afterEach(async () => emulator.stop());

/** One zendesk-reader container: its own client and pause cache, on the shared state table. */
function reader(): PausedZendeskGateway {
  const { email, apiToken } = defaultZendeskConfig.credentials;
  return new PausedZendeskGateway(
    new ZendeskClient({ apiUrl: emulator.apiUrl, email, apiToken }),
    new ApiPause(store, 'zendesk', { clock: () => now, cacheMs: 0 }),
  );
}

const failureOf = (call: Promise<unknown>): Promise<unknown> =>
  call.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('PausedZendeskGateway', () => {
  it("fails another container's look-up retryable for the Retry-After, with no call to Zendesk", async () => {
    const [a, b] = [reader(), reader()];
    await a.usersByIds([userId]);
    const limited = await failureOf(a.usersByIds([userId]));
    const callsBefore = emulator.calls().total;

    const refused = await failureOf(b.usersByIds([userId]));
    const callsWhilePaused = emulator.calls().total - callsBefore;
    now += 60_000;
    const after = await b.usersByIds([userId]);

    expect(limited).toMatchObject({ rateLimited: true, retryAfterSeconds: 60 });
    expect(refused).toBeInstanceOf(RetryableError);
    expect(refused).toMatchObject({ retryAfterSeconds: 60 });
    expect(callsWhilePaused).toBe(0);
    expect(after.get(userId)?.email).toBe('ada@customer.example.com');
  });
});
