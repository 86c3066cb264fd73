import type { ZendeskEmulator, ZendeskUser } from '../../../sandbox/zendesk/index.js';
import { addRequester, apiGet, apiJson, startTestEmulator, zendeskClient } from './factories.js';

describe('Zendesk emulator tickets and users', () => {
  let emulator: ZendeskEmulator;
  let ada: ZendeskUser;
  let ben: ZendeskUser;
  beforeAll(async () => {
    emulator = await startTestEmulator();
    ada = addRequester(emulator, { organization_id: 360_000_000_001 });
    ben = emulator.addUser({ name: 'Ben Peters', email: 'Ben@Customer.example.com' });
  });
  afterAll(async () => emulator.stop());
  afterEach(() => emulator.resetCalls());

  const addTicket = (subject: string, requesterId = ada.id) =>
    emulator.addTicket({
      subject,
      description: `${subject}!`,
      requester_id: requesterId,
      priority: 'high',
      type: 'incident',
      tags: ['billing'],
      channel: 'email',
    });

  describe('tickets', () => {
    it('shows a ticket to node-zendesk in the REST shape', async () => {
      const ticket = addTicket('Cannot log in');

      const { result } = await zendeskClient(emulator).tickets.show(ticket.id);

      expect(result).toMatchObject({
        id: ticket.id,
        url: `${emulator.apiUrl}/tickets/${ticket.id}.json`,
        subject: 'Cannot log in',
        description: 'Cannot log in!',
        status: 'new',
        priority: 'high',
        type: 'incident',
        requester_id: ada.id,
        submitter_id: ada.id,
        organization_id: 360_000_000_001,
        tags: ['billing'],
        via: { channel: 'email' },
      });
      expect(result.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it('serves the path with and without the .json suffix, counted as one endpoint', async () => {
      const ticket = addTicket('Suffix');

      const plain = await apiJson<unknown>(emulator, `/tickets/${ticket.id}`);
      const suffixed = await apiJson<unknown>(emulator, `/tickets/${ticket.id}.json`);

      expect(plain).toEqual(suffixed);
      expect(emulator.calls().byEndpoint).toEqual({ 'tickets.show': 2 });
    });

    it('answers an unknown ticket 404 RecordNotFound, and node-zendesk throws', async () => {
      const res = await apiGet(emulator, '/tickets/999999.json');

      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'RecordNotFound', description: 'Not found' });
      await expect(zendeskClient(emulator).tickets.show(999_999)).rejects.toThrow('Zendesk Error (404)');
    });

    it('shows many tickets, leaving out ids that do not exist', async () => {
      const first = addTicket('First');
      const second = addTicket('Second');

      const { result } = await zendeskClient(emulator).tickets.showMany([first.id, 424_242, second.id]);

      expect(result.map((t) => t.id)).toEqual([first.id, second.id]);
    });

    it('refuses more than 100 ids in show_many', async () => {
      const ids = Array.from({ length: 101 }, (_, i) => i + 1).join(',');

      const res = await apiGet(emulator, `/tickets/show_many.json?ids=${ids}`);

      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'InvalidValue', description: 'Too many ids: at most 100 are allowed' });
    });
  });

  describe('users', () => {
    it('shows a user to node-zendesk in the REST shape', async () => {
      const { result } = await zendeskClient(emulator).users.show(ada.id);

      expect(result).toMatchObject({
        id: ada.id,
        name: 'Ada Okafor',
        email: 'ada@customer.example.com',
        external_id: 'u_1',
        role: 'end-user',
        organization_id: 360_000_000_001,
      });
    });

    it('answers an unknown user 404 RecordNotFound', async () => {
      const res = await apiGet(emulator, '/users/1.json');

      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'RecordNotFound', description: 'Not found' });
    });

    it('shows many users by id and by external id', async () => {
      const byId = await zendeskClient(emulator).users.showMany([ben.id, ada.id]);
      const byExternalId = await apiJson<{ users: ZendeskUser[] }>(
        emulator,
        '/users/show_many.json?external_ids=u_1,missing',
      );

      expect(byId.result.map((u) => u.id)).toEqual([ben.id, ada.id]);
      expect(byExternalId.users.map((u) => u.id)).toEqual([ada.id]);
    });

    it('refuses more than 100 ids in users show_many', async () => {
      const ids = Array.from({ length: 101 }, (_, i) => i + 1).join(',');

      const res = await apiGet(emulator, `/users/show_many.json?ids=${ids}`);

      expect(res.status).toBe(400);
    });

    it('finds a user by email case-insensitively through node-zendesk search', async () => {
      const found = await zendeskClient(emulator).users.search({ query: 'email:BEN@customer.example.com' });

      expect(found.map((u) => u.id)).toEqual([ben.id]);
    });

    it('finds a user by external id with the query syntax and the external_id parameter', async () => {
      const byQuery = await zendeskClient(emulator).users.search({ query: 'external_id:u_1' });
      const byParam = await apiJson<unknown>(emulator, '/users/search.json?external_id=u_1');

      expect(byQuery.map((u) => u.id)).toEqual([ada.id]);
      expect(byParam).toMatchObject({ count: 1, next_page: null, previous_page: null, users: [{ id: ada.id }] });
    });

    it('pages search results by 100 with next_page, which node-zendesk follows', async () => {
      const local = await startTestEmulator();
      for (let i = 0; i < 150; i += 1) local.addUser({ name: `Grace Weber ${i}` });

      const first = await apiJson<{ users: ZendeskUser[]; count: number; next_page: string | null }>(
        local,
        '/users/search.json?query=grace',
      );
      const all = await zendeskClient(local).users.search({ query: 'grace' });
      await local.stop();

      expect(first.users).toHaveLength(100);
      expect(first.count).toBe(150);
      expect(first.next_page).toBe(`${local.apiUrl}/users/search.json?query=grace&page=2`);
      expect(all).toHaveLength(150);
    });

    it('refuses a search without a query or external_id', async () => {
      const res = await apiGet(emulator, '/users/search.json');

      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'InvalidValue' });
    });
  });

  it('answers an unknown endpoint 404 InvalidEndpoint', async () => {
    const res = await apiGet(emulator, '/nothing/here.json');

    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'InvalidEndpoint', description: 'Not found' });
  });
});
