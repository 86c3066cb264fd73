import type { SeedOptions, ZendeskEmulator } from '../../../sandbox/zendesk/index.js';
import { apiJson, startTestEmulator } from './factories.js';

describe('Zendesk emulator seeding', () => {
  const started: ZendeskEmulator[] = [];
  const start = async (seed: number): Promise<ZendeskEmulator> => {
    const emulator = await startTestEmulator({ seed });
    started.push(emulator);
    return emulator;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((e) => e.stop()));
  });

  const small: SeedOptions = { users: 200, tickets: 1000, withExternalIdShare: 0.3 };
  /** Everything but `url`, which carries the emulator's port. */
  const snapshot = (e: ZendeskEmulator) => ({
    users: e.listUsers().map(({ url: _url, ...user }) => user),
    tickets: e.listTickets().map(({ url: _url, ...ticket }) => ticket),
  });

  it('generates the same data set for the same seed, and another for another seed', async () => {
    const [a, b, c] = [await start(7), await start(7), await start(8)];

    [a, b, c].forEach((e) => e.seed(small));

    expect(snapshot(a)).toEqual(snapshot(b));
    expect(snapshot(a)).not.toEqual(snapshot(c));
  });

  it('creates the requested counts, with about the requested share of external ids', async () => {
    const emulator = await start(3);

    const summary = emulator.seed(small);
    const endUsers = emulator.listUsers().filter((u) => u.role === 'end-user');

    expect(summary).toMatchObject({ users: 200, agents: 3, tickets: 1000, ticketIds: { first: 1, last: 1000 } });
    expect(endUsers.filter((u) => u.external_id !== null)).toHaveLength(summary.withExternalId);
    expect(summary.withExternalId / 200).toBeGreaterThan(0.2);
    expect(summary.withExternalId / 200).toBeLessThan(0.4);
    expect(new Set(endUsers.map((u) => u.email)).size).toBe(200);
  });

  it('gives every ticket an existing requester and orders ticket ids by updated_at', async () => {
    const emulator = await start(5);
    emulator.seed(small);

    const userIds = new Set(emulator.listUsers().map((u) => u.id));
    const tickets = emulator.listTickets();
    const times = tickets.map((t) => t.updated_at);

    expect(tickets.every((t) => userIds.has(t.requester_id))).toBe(true);
    expect(times).toEqual([...times].sort());
  });

  it('seeds the bench size (10,000 tickets over 2,000 users) quickly, and serves it', async () => {
    const emulator = await start(1);
    const started = performance.now();

    emulator.seed({ users: 2000, tickets: 10_000, withExternalIdShare: 0.6 });
    const found = await apiJson<{ tickets: unknown[] }>(emulator, '/tickets/show_many.json?ids=1,5000,10000');

    expect(performance.now() - started).toBeLessThan(3000);
    expect(found.tickets).toHaveLength(3);
  });

  it('shows what it holds at /__sandbox/state, and clear() forgets it', async () => {
    const emulator = await start(4);
    emulator.seed({ users: 10, tickets: 20 });

    const state = await (await fetch(`${emulator.url}/__sandbox/state`)).json();
    emulator.clear();
    const added = emulator.addUser({ name: 'After Clear' });

    expect(state).toMatchObject({ users: 13, tickets: 20, rateLimits: { account: { limit: 700 } } });
    expect(emulator.listTickets()).toEqual([]);
    expect(added.id).toBe(370_000_000_001);
  });

  it('refuses what Zendesk refuses: a taken email or external id, an unknown requester or comment author', async () => {
    const emulator = await start(6);
    const ada = emulator.addUser({ name: 'Ada', email: 'ada@example.com', external_id: 'u_1' });
    const ticket = emulator.addTicket({ subject: 'Hi', requester_id: ada.id });

    expect(() => emulator.addUser({ name: 'Other Ada', email: 'ADA@example.com' })).toThrow('already taken');
    expect(() => emulator.addUser({ name: 'Other', external_id: 'u_1' })).toThrow('already taken');
    expect(() => emulator.addTicket({ subject: 'Orphan', requester_id: 1 })).toThrow('does not exist');
    expect(() => emulator.updateTicket(ticket.id, { comment: { body: 'x', author_id: 1 } })).toThrow('does not exist');
  });

  it('can seed at start, for a launcher', async () => {
    const emulator = await startTestEmulator({ seed: 2, seedData: { users: 5, tickets: 10 } });
    started.push(emulator);

    expect(emulator.listTickets()).toHaveLength(10);
  });
});
