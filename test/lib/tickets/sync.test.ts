import { jest } from '@jest/globals';
import { PermanentError, RetryableError } from '../../../lib/errors.js';
import { logger, metrics } from '../../../lib/observability.js';
import { DEFAULT_CASE_MAPPING } from '../../../lib/tickets/case-mapping.js';
import { ContactDirectory } from '../../../lib/tickets/contacts.js';
import { syncTickets, type TicketSyncDeps } from '../../../lib/tickets/sync.js';
import type { TicketChange } from '../../../lib/tickets/ticket-change.js';
import { FakeQueueGateway } from '../../support/fake-queue-gateway.js';
import { FakeSalesforce } from '../../support/fake-salesforce.js';
import { FakeStateStore } from '../../support/fake-state-store.js';
import { unpackedIntents } from '../../support/mixpanel-messages.js';

function ticket(id: number, overrides: Partial<TicketChange> = {}): TicketChange {
  return {
    ticketId: String(id),
    subject: `Ticket ${id}`,
    status: 'open',
    priority: 'high',
    type: null,
    channel: 'email',
    tags: ['billing'],
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T11:00:00.000Z',
    url: `https://acme.zendesk.com/agent/tickets/${id}`,
    requester: { zendeskId: '7', email: `u${id}@example.com`, externalId: `u_${id}` },
    accountExternalId: null,
    events: ['created'],
    source: 'trigger',
    ...overrides,
  };
}

function setup(policy: TicketSyncDeps['unmatchedPolicy'] = 'skip') {
  const salesforce = new FakeSalesforce();
  const queue = new FakeQueueGateway();
  const deps: TicketSyncDeps = {
    salesforce,
    queue,
    mixpanelQueueUrl: 'http://q/mixpanel',
    mapping: DEFAULT_CASE_MAPPING,
    contacts: new ContactDirectory({ salesforce, state: new FakeStateStore(), ttlSeconds: 3600 }),
    unmatchedPolicy: policy,
  };
  const sentEvents = () =>
    unpackedIntents(queue.sent.flatMap((batch) => batch.messages)).map((intent) =>
      intent.type === 'mixpanel.event' ? intent.event : undefined,
    );
  return { salesforce, queue, deps, sentEvents };
}

describe('syncTickets', () => {
  it('upserts one Case per ticket linked by Contact external id, with no query, then enqueues its events', async () => {
    const { salesforce, deps, sentEvents } = setup();
    salesforce.knownAppUsers = new Set(['u_1', 'u_2']);

    const results = await syncTickets([ticket(1), ticket(2, { status: 'solved', events: ['solved'] })], deps);

    expect(results).toEqual([undefined, undefined]);
    expect(salesforce.queries).toEqual([]);
    expect(salesforce.upserts).toHaveLength(1);
    expect(salesforce.upserts[0]?.records[0]).toEqual({
      Zendesk_Ticket_Id__c: '1',
      Subject: 'Ticket 1',
      Status: 'Working',
      Priority: 'High',
      Origin: 'Email',
      Zendesk_Tags__c: 'billing',
      Zendesk_Created_At__c: '2026-01-01T10:00:00.000Z',
      Zendesk_Updated_At__c: '2026-01-01T11:00:00.000Z',
      Zendesk_Ticket_Url__c: 'https://acme.zendesk.com/agent/tickets/1',
      Contact: { App_User_Id__c: 'u_1' },
    });
    const events = sentEvents();
    expect(events.map((event) => [event?.event, event?.properties.distinct_id])).toEqual([
      ['Support Ticket Created', 'u_1'],
      ['Support Ticket Solved', 'u_2'],
    ]);
    expect(events[0]?.properties).toMatchObject({
      source: 'zendesk',
      ticket_id: '1',
      tags: ['billing'],
      salesforce_case_id: expect.stringMatching(/^500/),
      time: Date.parse('2026-01-01T10:00:00.000Z'),
    });
  });

  it('collapses duplicate deliveries of one ticket into one upsert and one event', async () => {
    const { salesforce, deps, sentEvents } = setup();
    salesforce.knownAppUsers = new Set(['u_1']);

    const results = await syncTickets([ticket(1), ticket(1), ticket(1)], deps);

    expect(results).toEqual([undefined, undefined, undefined]);
    expect(salesforce.upserts[0]?.records).toHaveLength(1);
    expect(sentEvents()).toHaveLength(1);
  });

  it('resolves email-only requesters with one Contact query and links Contact and Account', async () => {
    const { salesforce, deps, sentEvents } = setup();
    salesforce.contacts = [{ Id: '003A', AccountId: '001A', Email: 'Ann@Example.com', App_User_Id__c: 'u_ann' }];
    const emailOnly = (id: number, email: string) =>
      ticket(id, { requester: { zendeskId: '9', email, externalId: null } });

    await syncTickets([emailOnly(1, 'ann@example.com'), emailOnly(2, 'nobody@example.com')], deps);

    expect(salesforce.queries).toEqual([
      { object: 'Contact', field: 'Email', values: ['ann@example.com', 'nobody@example.com'] },
    ]);
    expect(salesforce.upserts[0]?.records[0]).toMatchObject({ ContactId: '003A', AccountId: '001A' });
    expect(salesforce.upserts[0]?.records[1]).not.toHaveProperty('ContactId');
    expect(sentEvents().map((event) => event?.properties.distinct_id)).toEqual(['u_ann']);
  });

  it('links a second batch from the same email-only requesters without a Contact query', async () => {
    const { salesforce, deps, sentEvents } = setup();
    salesforce.contacts = [{ Id: '003A', AccountId: '001A', Email: 'ann@example.com', App_User_Id__c: 'u_ann' }];
    const emailOnly = (id: number) =>
      ticket(id, { requester: { zendeskId: '9', email: 'Ann@Example.com', externalId: null } });
    await syncTickets([emailOnly(1)], deps);

    await syncTickets([emailOnly(2)], deps);

    expect(salesforce.queries).toHaveLength(1);
    expect(salesforce.upserts[1]?.records[0]).toMatchObject({ ContactId: '003A', AccountId: '001A' });
    expect(sentEvents().map((event) => event?.properties.distinct_id)).toEqual(['u_ann', 'u_ann']);
  });

  it('forgets the cached Contact of a Case Salesforce refused, so that its retry asks again', async () => {
    const { salesforce, deps } = setup();
    salesforce.contacts = [{ Id: '003A', AccountId: '001A', Email: 'ann@example.com', App_User_Id__c: 'u_ann' }];
    const emailOnly = (id: number) =>
      ticket(id, { requester: { zendeskId: '9', email: 'ann@example.com', externalId: null } });
    await syncTickets([emailOnly(1)], deps);
    salesforce.contacts = [{ Id: '003B', AccountId: '001A', Email: 'ann@example.com', App_User_Id__c: 'u_ann' }];
    const upsert = salesforce.upsert.bind(salesforce);
    salesforce.upsert = async (object, field, records) =>
      records.some((record) => record.ContactId === '003A')
        ? records.map(() => new PermanentError('entity is deleted', { code: 'ENTITY_IS_DELETED' }))
        : upsert(object, field, records);

    const [refused] = await syncTickets([emailOnly(2)], deps);
    await syncTickets([emailOnly(2)], deps);

    expect(refused).toBeInstanceOf(PermanentError);
    expect(salesforce.queries).toHaveLength(2);
    expect(salesforce.upserts.at(-1)?.records[0]).toMatchObject({ ContactId: '003B' });
  });

  it('does not look up an email no Contact can hold, and writes its Case unlinked', async () => {
    const { salesforce, deps } = setup();
    const emailOnly = (id: number, email: string) =>
      ticket(id, { requester: { zendeskId: '9', email, externalId: null } });
    const long = `${'x'.repeat(100_000)}@example.com`;

    const results = await syncTickets([emailOnly(1, 'ann@example.com'), emailOnly(2, long)], deps);

    expect(results).toEqual([undefined, undefined]);
    expect(salesforce.queries).toEqual([{ object: 'Contact', field: 'Email', values: ['ann@example.com'] }]);
    expect(salesforce.upserts[0]?.records.map((record) => record.Zendesk_Ticket_Id__c)).toEqual(['1', '2']);
  });

  it('uses the email as distinct id for unmatched requesters when the policy says so', async () => {
    const { deps, sentEvents } = setup('email');

    await syncTickets(
      [ticket(1, { requester: { zendeskId: '9', email: 'Lost@Example.com', externalId: null } })],
      deps,
    );

    expect(sentEvents().map((event) => event?.properties.distinct_id)).toEqual(['lost@example.com']);
  });

  it('keeps the Case, unlinked, when the app user has no Contact yet', async () => {
    const { salesforce, deps, sentEvents } = setup();

    const results = await syncTickets(
      [ticket(1, { requester: { zendeskId: '9', email: null, externalId: 'u_new' } })],
      deps,
    );

    expect(results).toEqual([undefined]);
    expect(salesforce.upserts).toHaveLength(2);
    expect(salesforce.upserts[1]?.records[0]).not.toHaveProperty('Contact');
    expect(sentEvents().map((event) => event?.properties.distinct_id)).toEqual(['u_new']);
  });

  it('reports a rejected Case on every message of its ticket and sends no event for it', async () => {
    const { salesforce, deps, sentEvents } = setup();
    salesforce.knownAppUsers = new Set(['u_1', 'u_2']);
    const rejection = new PermanentError('bad value', { code: 'INVALID_TYPE' });
    salesforce.upsert = async (_object, _field, records) =>
      records.map((record) => (record.Zendesk_Ticket_Id__c === '2' ? rejection : { id: '500X', created: true }));

    const results = await syncTickets([ticket(1), ticket(2), ticket(2)], deps);

    expect(results).toEqual([undefined, rejection, rejection]);
    expect(sentEvents().map((event) => event?.properties.ticket_id)).toEqual(['1']);
  });
});

describe('syncTickets with requesters that match no app user', () => {
  afterEach(() => jest.restoreAllMocks());
  const emailOnly = (id: number, email: string) =>
    ticket(id, { requester: { zendeskId: '9', email, externalId: null } });

  it.each(['skip', 'email'] as const)(
    'logs each by ticket id, without the email, and counts it (policy %s)',
    async (policy) => {
      const { salesforce, deps } = setup(policy);
      salesforce.knownAppUsers = new Set(['u_1']);
      salesforce.contacts = [{ Id: '003A', AccountId: null, Email: 'lead@example.com', App_User_Id__c: null }];
      const info = jest.spyOn(logger, 'info');
      const metric = jest.spyOn(metrics, 'addMetric');

      await syncTickets([ticket(1), emailOnly(2, 'nobody@example.com'), emailOnly(3, 'lead@example.com')], deps);

      const unmatched = info.mock.calls.filter(([message]) => message === 'Requester matches no app user');
      expect(unmatched.map(([, extra]) => extra)).toEqual([
        { ticketId: '2', policy },
        { ticketId: '3', policy },
      ]);
      expect(JSON.stringify(info.mock.calls)).not.toContain('@example.com');
      expect(metric).toHaveBeenCalledWith('UnmatchedRequesters', 'Count', 2);
    },
  );
});

describe('syncTickets with changes out of order', () => {
  afterEach(() => jest.restoreAllMocks());
  const at = (hour: number) => `2026-01-01T${String(hour).padStart(2, '0')}:00:00.000Z`;
  const open = (id = 1) => ticket(id, { status: 'open', updatedAt: at(10), events: ['updated'] });
  const solved = (id = 1) => ticket(id, { status: 'solved', updatedAt: at(11), events: ['solved'] });

  it('ignores an older state: the Case keeps the newer one and the older change still gets its events', async () => {
    const { salesforce, queue, deps, sentEvents } = setup();
    salesforce.knownAppUsers = new Set(['u_1']);
    await syncTickets([open()], deps);
    await syncTickets([solved()], deps);
    const caseId = salesforce.recordsOf('Case')[0]?.Id;
    queue.sent.length = 0;
    const info = jest.spyOn(logger, 'info');
    const metric = jest.spyOn(metrics, 'addMetric');

    const results = await syncTickets([open()], deps);

    expect(results).toEqual([undefined]);
    expect(info).toHaveBeenCalledWith('Older ticket state ignored: the Case holds a newer one', {
      ticketId: '1',
      updatedAt: at(10),
    });
    expect(metric).toHaveBeenCalledWith('StaleTicketChanges', 'Count', 1);
    expect(salesforce.recordsOf('Case')).toEqual([
      expect.objectContaining({ Status: 'Closed', Zendesk_Updated_At__c: at(11) }),
    ]);
    expect(salesforce.queries).toEqual([{ object: 'Case', field: 'Zendesk_Ticket_Id__c', values: ['1'] }]);
    expect(sentEvents()).toEqual([
      expect.objectContaining({
        event: 'Support Ticket Updated',
        properties: expect.objectContaining({ status: 'open', salesforce_case_id: caseId }),
      }),
    ]);
  });

  it('finds the Case ids of every stale ticket of a batch with one query', async () => {
    const { salesforce, deps, sentEvents } = setup();
    salesforce.knownAppUsers = new Set(['u_1', 'u_2', 'u_3', 'u_4']);
    await syncTickets([solved(1), solved(2), solved(3)], deps);

    const results = await syncTickets([open(1), open(2), open(4), open(3)], deps);

    expect(results).toEqual([undefined, undefined, undefined, undefined]);
    expect(salesforce.queries).toEqual([{ object: 'Case', field: 'Zendesk_Ticket_Id__c', values: ['1', '2', '3'] }]);
    expect(sentEvents().filter((event) => event?.properties.status === 'open')).toHaveLength(4);
  });

  it('collapses the changes of a ticket in one batch to the latest, whatever order they arrive in', async () => {
    const { salesforce, deps, sentEvents } = setup();
    salesforce.knownAppUsers = new Set(['u_old', 'u_new']);
    const latest = ticket(1, {
      status: 'solved',
      updatedAt: at(11),
      events: ['solved'],
      requester: { zendeskId: '7', email: null, externalId: 'u_new' },
    });
    const earlier = ticket(1, {
      updatedAt: at(10),
      events: ['updated'],
      requester: { zendeskId: '7', email: null, externalId: 'u_old' },
    });

    const results = await syncTickets([earlier, latest, earlier], deps);
    await syncTickets([latest, earlier], deps);

    expect(results).toEqual([undefined, undefined, undefined]);
    const written = expect.objectContaining({
      Status: 'Closed',
      Zendesk_Updated_At__c: at(11),
      Contact: { App_User_Id__c: 'u_new' },
    });
    expect(salesforce.upserts.map((upsert) => upsert.records)).toEqual([[written], [written]]);
    expect(sentEvents().map((event) => [event?.event, event?.properties.distinct_id])).toEqual([
      ['Support Ticket Updated', 'u_new'],
      ['Support Ticket Solved', 'u_new'],
      ['Support Ticket Solved', 'u_new'],
      ['Support Ticket Updated', 'u_new'],
    ]);
  });

  it('retries only the stale tickets when their Case ids cannot be read, and a Case that has gone', async () => {
    const { salesforce, deps, sentEvents } = setup();
    salesforce.knownAppUsers = new Set(['u_1', 'u_2']);
    await syncTickets([solved(1)], deps);
    const unavailable = new RetryableError('Salesforce answered 503');
    salesforce.queryWhereIn = () => Promise.reject(unavailable);

    const failed = await syncTickets([open(1), open(2)], deps);
    salesforce.queryWhereIn = <T>() => Promise.resolve([] as T[]);
    const gone = await syncTickets([open(1)], deps);

    expect(failed).toEqual([unavailable, undefined]);
    expect(gone).toEqual([expect.any(RetryableError)]);
    expect(sentEvents().map((event) => event?.properties.ticket_id)).toEqual(['1', '2']);
  });

  it('writes the version field whatever the Case mapping says', async () => {
    const { salesforce, deps } = setup();
    deps.mapping = { fields: { Subject: 'subject' }, values: {} };

    await syncTickets([open()], deps);

    expect(salesforce.upserts[0]?.records[0]).toMatchObject({ Subject: 'Ticket 1', Zendesk_Updated_At__c: at(10) });
  });
});
