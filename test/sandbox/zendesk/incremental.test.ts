import type { ZendeskEmulator, ZendeskExportedTicket } from '../../../sandbox/zendesk/index.js';
import { addRequester, apiGet, apiJson, fakeClock, startTestEmulator, zendeskClient } from './factories.js';

interface ExportPage {
  tickets: ZendeskExportedTicket[];
  after_cursor: string | null;
  after_url: string | null;
  before_cursor: string | null;
  before_url: string | null;
  end_of_stream: boolean;
}

const exportFrom = (emulator: ZendeskEmulator, query: string): Promise<ExportPage> =>
  apiJson<ExportPage>(emulator, `/incremental/tickets/cursor.json?${query}`);

describe('Zendesk emulator incremental ticket export', () => {
  let emulator: ZendeskEmulator;
  let clock: ReturnType<typeof fakeClock>;
  let requesterId: number;
  beforeEach(async () => {
    clock = fakeClock('2024-07-01T12:00:00Z');
    emulator = await startTestEmulator({
      now: clock.now,
      exportPageSize: 10,
      rateLimits: { incrementalRequestsPerWindow: 100 },
    });
    requesterId = addRequester(emulator).id;
  });
  afterEach(async () => emulator.stop());

  /** Tickets changed at distinct seconds, added out of change order. */
  const addTickets = (count: number): number[] =>
    Array.from({ length: count }, (_, i) => {
      const updated = new Date(Date.parse('2024-06-01T00:00:00Z') + ((i * 7) % count) * 1000).toISOString();
      return emulator.addTicket({
        subject: `T${i}`,
        requester_id: requesterId,
        created_at: '2024-05-01T00:00:00Z',
        updated_at: updated,
      }).id;
    });

  it('walks the whole export in change order with node-zendesk, page by page, until end_of_stream', async () => {
    addTickets(25);
    const client = zendeskClient(emulator);
    const first = await exportFrom(emulator, 'start_time=0');
    const pages = [first];

    while (!pages.at(-1)!.end_of_stream) {
      const { result } = await client.ticketexport.exportCursor(0, pages.at(-1)!.after_cursor!);
      pages.push(result as ExportPage);
    }

    const exported = pages.flatMap((p) => p.tickets);
    const times = exported.map((t) => t.generated_timestamp);
    expect(pages.map((p) => p.tickets.length)).toEqual([10, 10, 5]);
    expect(pages.map((p) => p.end_of_stream)).toEqual([false, false, true]);
    expect(new Set(exported.map((t) => t.id)).size).toBe(25);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(exported[0]?.updated_at).toBe('2024-06-01T00:00:00Z');
  });

  it('answers in the documented shape, with after_url pointing back at the emulator', async () => {
    addTickets(3);

    const page = await exportFrom(emulator, 'start_time=0');

    expect(Object.keys(page).sort()).toEqual([
      'after_cursor',
      'after_url',
      'before_cursor',
      'before_url',
      'end_of_stream',
      'tickets',
    ]);
    expect(page.after_url).toBe(
      `${emulator.apiUrl}/incremental/tickets/cursor.json?cursor=${encodeURIComponent(page.after_cursor!)}`,
    );
    expect(page.before_cursor).toBeNull();
    expect(page.tickets[0]).toMatchObject({ subject: expect.any(String), generated_timestamp: expect.any(Number) });
  });

  it('only returns tickets changed at or after start_time, and honours per_page', async () => {
    addTickets(25);
    const from = Date.parse('2024-06-01T00:00:20Z') / 1000;

    const page = await exportFrom(emulator, `start_time=${from}&per_page=3`);

    expect(page.tickets.map((t) => t.generated_timestamp)).toEqual([from, from + 1, from + 2]);
    expect(page.end_of_stream).toBe(false);
  });

  it('brings an updated ticket back at the end of the stream, with its new updated_at', async () => {
    const [firstId] = addTickets(5);
    const end = await exportFrom(emulator, 'start_time=0');
    clock.advance(5_000);

    emulator.updateTicket(firstId!, { status: 'solved' });
    const next = await exportFrom(emulator, `cursor=${encodeURIComponent(end.after_cursor!)}`);

    expect(next.tickets.map((t) => [t.id, t.status, t.updated_at])).toEqual([
      [firstId, 'solved', '2024-07-01T12:00:05Z'],
    ]);
    expect(next.end_of_stream).toBe(true);
    expect(next.before_cursor).toBe(end.after_cursor);
  });

  it('keeps the cursor when nothing changed, and has none to give for an empty first page', async () => {
    addTickets(2);
    const end = await exportFrom(emulator, 'start_time=0');

    const idle = await exportFrom(emulator, `cursor=${encodeURIComponent(end.after_cursor!)}`);
    const emptyStart = await exportFrom(emulator, `start_time=${Date.parse('2024-07-01T00:00:00Z') / 1000}`);

    expect(idle).toMatchObject({ tickets: [], after_cursor: end.after_cursor, end_of_stream: true });
    expect(emptyStart).toMatchObject({ tickets: [], after_cursor: null, after_url: null, end_of_stream: true });
  });

  it('hides changes inside the export lag and refuses a start_time inside it', async () => {
    const lagged = await startTestEmulator({ now: clock.now, exportLagSeconds: 60 });
    const requester = addRequester(lagged).id;
    lagged.addTicket({ subject: 'Fresh', requester_id: requester });
    const nowSeconds = clock.now() / 1000;

    const hidden = await exportFrom(lagged, `start_time=${nowSeconds - 120}`);
    const tooRecent = await apiGet(lagged, `/incremental/tickets/cursor.json?start_time=${nowSeconds - 30}`);
    clock.advance(61_000);
    const shown = await exportFrom(lagged, `start_time=${nowSeconds - 120}`);
    await lagged.stop();

    expect(hidden.tickets).toEqual([]);
    expect(tooRecent.status).toBe(422);
    expect(await tooRecent.json()).toEqual({
      error: 'InvalidValue',
      description: 'Too recent start_time. Use a start_time older than 1 minute',
    });
    expect(shown.tickets.map((t) => t.subject)).toEqual(['Fresh']);
  });

  it.each([
    ['an unknown cursor', 'cursor=bm90LWEtY3Vyc29y', 'Invalid cursor'],
    ['neither start_time nor cursor', 'per_page=5', 'start_time must be a Unix timestamp in seconds'],
    ['a start_time that is not a number', 'start_time=yesterday', 'start_time must be a Unix timestamp in seconds'],
  ])('answers 422 InvalidValue for %s', async (_, query, description) => {
    const res = await apiGet(emulator, `/incremental/tickets/cursor.json?${query}`);

    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: 'InvalidValue', description });
  });

  it('rejects node-zendesk exportCursor without a cursor, because it sends cursor=undefined', async () => {
    const client = zendeskClient(emulator);

    await expect(client.ticketexport.exportCursor(0)).rejects.toThrow('Zendesk Error (422)');
  });
});
