import { ZendeskClient } from '../../../../lib/clients/zendesk/client.js';
import type { ZendeskConfig } from '../../../../lib/clients/zendesk/config.js';
import { toTicketRecord } from '../../../../lib/clients/zendesk/mapping.js';
import { PermanentError, RetryableError } from '../../../../lib/errors.js';
import {
  defaultZendeskConfig,
  startZendeskEmulator,
  type ZendeskEmulator,
  type ZendeskEmulatorOptions,
} from '../../../../sandbox/zendesk/index.js';

const { email, apiToken } = defaultZendeskConfig.credentials;

/** A clock the test moves; the emulator's rate-limit windows and timestamps follow it. */
function fakeClock(startIso = '2024-07-01T12:00:00Z'): { now: () => number; advance: (ms: number) => void } {
  let ms = Date.parse(startIso);
  return { now: () => ms, advance: (by) => (ms += by) };
}

function configFor(emulator: ZendeskEmulator, token = apiToken): ZendeskConfig {
  return { apiUrl: emulator.apiUrl, email, apiToken: token };
}

describe('ZendeskClient', () => {
  let emulator: ZendeskEmulator;
  let client: ZendeskClient;
  const start = async (options: ZendeskEmulatorOptions = {}): Promise<void> => {
    emulator = await startZendeskEmulator({ exportLagSeconds: 0, now: fakeClock().now, ...options });
    client = new ZendeskClient(configFor(emulator));
  };
  afterEach(async () => emulator.stop());

  describe('usersByIds', () => {
    beforeEach(() => start());

    it('looks up 250 distinct ids in 3 show_many calls, deduped, unknown ids absent', async () => {
      const users = Array.from({ length: 220 }, (_, i) =>
        emulator.addUser({
          name: `User ${i}`,
          email: `user${i}@customer.example.com`,
          external_id: i % 2 === 0 ? `u_${i}` : null,
        }),
      );
      const unknown = Array.from({ length: 30 }, (_, i) => 990_000_000_000 + i);
      const duplicates = users.slice(0, 20).map((u) => u.id);
      const ids = [...users.map((u) => u.id), ...unknown, ...duplicates];

      const found = await client.usersByIds(ids);

      expect(ids).toHaveLength(270);
      expect(emulator.calls().byEndpoint).toEqual({ 'users.show_many': 3 });
      expect(found.size).toBe(220);
      expect(unknown.some((id) => found.has(id))).toBe(false);
      expect(found.get(users[0]!.id)).toEqual({
        id: users[0]!.id,
        email: 'user0@customer.example.com',
        externalId: 'u_0',
        name: 'User 0',
        organizationId: null,
      });
      expect(found.get(users[1]!.id)).toMatchObject({ email: 'user1@customer.example.com', externalId: null });
    });

    it('makes no call for an empty list', async () => {
      expect((await client.usersByIds([])).size).toBe(0);
      expect(emulator.calls().total).toBe(0);
    });

    it('reports 5xx as retryable, even the ones node-zendesk resolves instead of throwing', async () => {
      const user = emulator.addUser({ name: 'Ada', email: 'ada@customer.example.com' });
      emulator.setFaults({ errorRate: 1, errorStatus: 502 });
      const badGateway = await client.usersByIds([user.id]).catch((error: unknown) => error);
      emulator.setFaults({ errorRate: 1, errorStatus: 503 });
      const unavailable = await client.usersByIds([user.id]).catch((error: unknown) => error);

      expect(badGateway).toBeInstanceOf(RetryableError);
      expect((badGateway as Error).message).toContain('502');
      expect(unavailable).toBeInstanceOf(RetryableError);
      expect((unavailable as Error).message).toContain('503');
    });
  });

  describe('classification', () => {
    it('turns a 429 into a RetryableError carrying Retry-After', async () => {
      await start({ rateLimits: { requestsPerWindow: 1, windowMs: 60_000 } });
      const user = emulator.addUser({ name: 'Ada', email: 'ada@customer.example.com' });
      await client.usersByIds([user.id]);

      const error = await client.usersByIds([user.id]).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(RetryableError);
      expect(error).toMatchObject({ retryAfterSeconds: 60 });
      expect((error as Error).message).toContain('429');
    });

    it('turns a 429 from the export into a RetryableError carrying Retry-After', async () => {
      await start({ rateLimits: { incrementalRequestsPerWindow: 1 } });
      await client.exportTickets({ startTime: 0 });

      const error = await client.exportTickets({ startTime: 0 }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(RetryableError);
      expect(error).toMatchObject({ retryAfterSeconds: 60 });
    });

    it('reports a wrong token as retryable, naming the credentials to fix', async () => {
      await start();
      const wrong = new ZendeskClient(configFor(emulator, 'not-the-token'));

      const lookUp = await wrong.usersByIds([1]).catch((e: unknown) => e);
      const exported = await wrong.exportTickets({ startTime: 0 }).catch((e: unknown) => e);

      for (const error of [lookUp, exported]) {
        expect(error).toBeInstanceOf(RetryableError);
        expect((error as Error).message).toMatch(/401.*credentials.*ZENDESK_API_TOKEN/);
      }
    });

    it('reports a refused request as permanent', async () => {
      await start({ exportLagSeconds: 60 });

      const tooRecent = await client
        .exportTickets({ startTime: Math.floor(Date.parse('2024-07-01T12:00:00Z') / 1000) })
        .catch((e: unknown) => e);
      const badCursor = await client.exportTickets({ cursor: 'bm90LWEtY3Vyc29y' }).catch((e: unknown) => e);

      expect(tooRecent).toBeInstanceOf(PermanentError);
      expect(tooRecent).toMatchObject({ code: 'ZENDESK_422' });
      expect((tooRecent as Error).message).toContain('Too recent start_time');
      expect(badCursor).toBeInstanceOf(PermanentError);
    });

    it('reports a request that hangs past the timeout as retryable', async () => {
      await start({ faults: { timeoutRate: 1, hangMs: 5_000 } });
      const impatient = new ZendeskClient(configFor(emulator), { timeoutMs: 100 });

      const error = await impatient.exportTickets({ startTime: 0 }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(RetryableError);
      expect((error as Error).message).toContain('within 100 ms');
    });

    it('reports an unreachable Zendesk as retryable', async () => {
      await start();
      const nowhere = new ZendeskClient({ apiUrl: 'http://127.0.0.1:1/api/v2', email, apiToken });

      await expect(nowhere.usersByIds([1])).rejects.toBeInstanceOf(RetryableError);
      await expect(nowhere.exportTickets({ startTime: 0 })).rejects.toBeInstanceOf(RetryableError);
    });
  });

  describe('exportTickets', () => {
    let requesterId: number;
    beforeEach(async () => {
      await start({ exportPageSize: 2 });
      requesterId = emulator.addUser({
        name: 'Ada',
        email: 'ada@customer.example.com',
        external_id: 'u_1',
        organization_id: 360_000_000_007,
      }).id;
    });

    const addTicket = (subject: string, updatedAt: string) =>
      emulator.addTicket({
        subject,
        requester_id: requesterId,
        created_at: '2024-05-01T00:00:00Z',
        updated_at: updatedAt,
      });

    it('reads the first page by start time and the next by cursor until end_of_stream', async () => {
      const ids = [
        addTicket('A', '2024-06-01T00:00:01Z').id,
        addTicket('B', '2024-06-01T00:00:02Z').id,
        addTicket('C', '2024-06-01T00:00:03Z').id,
      ];

      const first = await client.exportTickets({ startTime: Date.parse('2024-06-01T00:00:00Z') / 1000 });
      const second = await client.exportTickets({ cursor: first.afterCursor! });

      expect(first.tickets.map((t) => t.id)).toEqual(ids.slice(0, 2));
      expect(first.endOfStream).toBe(false);
      expect(first.afterCursor).toEqual(expect.any(String));
      expect(second.tickets.map((t) => t.id)).toEqual(ids.slice(2));
      expect(second.endOfStream).toBe(true);
      expect(second.afterCursor).toEqual(expect.any(String));
      expect(emulator.calls().byEndpoint).toEqual({ 'incremental.tickets.cursor': 2 });
    });

    it('answers an empty export with no tickets, no cursor and end_of_stream', async () => {
      const page = await client.exportTickets({ startTime: 0 });

      expect(page).toEqual({ tickets: [], afterCursor: null, endOfStream: true });
    });

    it('maps an exported ticket, and the Tickets API shape of it the same way', async () => {
      const { id } = emulator.addTicket({
        subject: 'Invoice question',
        requester_id: requesterId,
        status: 'open',
        type: 'question',
        tags: ['billing', 'vip'],
        channel: 'email',
        created_at: '2024-05-01T10:00:00Z',
        updated_at: '2024-05-02T11:30:00Z',
      });

      const [exported] = (await client.exportTickets({ startTime: 0 })).tickets;

      expect(exported).toEqual({
        id,
        subject: 'Invoice question',
        status: 'open',
        priority: null,
        type: 'question',
        tags: ['billing', 'vip'],
        requesterId,
        organizationId: 360_000_000_007,
        channel: 'email',
        createdAt: '2024-05-01T10:00:00Z',
        updatedAt: '2024-05-02T11:30:00Z',
        url: `${emulator.apiUrl}/tickets/${id}.json`,
      });
      expect(toTicketRecord(emulator.getTicket(id))).toEqual(exported);
    });

    it('refuses a ticket of the wrong shape as permanent', () => {
      expect(() => toTicketRecord({ id: 1, status: 'open' })).toThrow(PermanentError);
      expect(() => toTicketRecord({ id: 1, status: 'open' })).toThrow(/unexpected ticket: url/);
    });
  });
});
