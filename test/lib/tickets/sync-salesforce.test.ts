import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { SalesforceClient } from '../../../lib/clients/salesforce/client.js';
import { STALE_UPDATE_MARKER } from '../../../lib/clients/salesforce/record-outcomes.js';
import { DEFAULT_CASE_MAPPING } from '../../../lib/tickets/case-mapping.js';
import { ContactDirectory } from '../../../lib/tickets/contacts.js';
import { syncTickets, type TicketSyncDeps } from '../../../lib/tickets/sync.js';
import type { TicketChange } from '../../../lib/tickets/ticket-change.js';
import type { SalesforceEmulator, SeededAccounts } from '../../../sandbox/salesforce/index.js';
import { FakeQueueGateway } from '../../support/fake-queue-gateway.js';
import { FakeStateStore } from '../../support/fake-state-store.js';
import { unpackedIntents } from '../../support/mixpanel-messages.js';
import { configFor, startOrg } from '../clients/salesforce/factories.js';

const STALE_RULE = fileURLToPath(
  new URL(
    '../../../salesforce/force-app/main/default/objects/Case/validationRules/' +
      'Zendesk_Stale_Update.validationRule-meta.xml',
    import.meta.url,
  ),
);

function change(id: number, status: TicketChange['status'], updatedAt: string): TicketChange {
  return {
    ticketId: String(id),
    subject: `Ticket ${id}`,
    status,
    priority: 'normal',
    type: null,
    channel: 'web',
    tags: [],
    createdAt: '2026-01-01T09:00:00.000Z',
    updatedAt,
    url: null,
    requester: { zendeskId: null, email: null, externalId: 'u_000001' },
    accountExternalId: null,
    events: [status === 'solved' ? 'solved' : 'updated'],
    source: 'trigger',
  };
}

describe('syncTickets against the Salesforce emulator and its metadata', () => {
  let sf: SalesforceEmulator;
  let queue: FakeQueueGateway;
  let deps: TicketSyncDeps;
  let contacts: SeededAccounts['contacts'];
  beforeEach(async () => {
    sf = await startOrg();
    contacts = sf.seedAccountsWithContacts({ accounts: 1, contactsPerAccount: 2 }).contacts;
    queue = new FakeQueueGateway();
    const salesforce = new SalesforceClient(configFor(sf));
    deps = {
      salesforce,
      queue,
      mixpanelQueueUrl: 'http://q/mixpanel',
      mapping: DEFAULT_CASE_MAPPING,
      contacts: new ContactDirectory({ salesforce, state: new FakeStateStore(), ttlSeconds: 3600 }),
      unmatchedPolicy: 'skip',
    };
  });
  afterEach(async () => sf.stop());

  const caseOf = (id: number) => sf.findByExternalId('Case', 'Zendesk_Ticket_Id__c', String(id));

  it('keeps the Case at the newest state when an older one arrives again, and still relays its events', async () => {
    const open = change(1, 'open', '2026-01-01T10:00:00.000Z');
    const solved = change(1, 'solved', '2026-01-01T11:00:00.000Z');

    const results = [
      await syncTickets([open], deps),
      await syncTickets([solved], deps),
      await syncTickets([open, change(2, 'open', '2026-01-01T10:00:00.000Z')], deps),
    ];

    expect(results).toEqual([[undefined], [undefined], [undefined, undefined]]);
    expect(caseOf(1)).toMatchObject({ Status: 'Closed', Zendesk_Updated_At__c: '2026-01-01T11:00:00.000+0000' });
    const replayed = unpackedIntents(queue.sent.at(-1)?.messages ?? []).map((intent) =>
      intent.type === 'mixpanel.event' ? intent.event.properties : undefined,
    );
    expect(replayed).toEqual([
      expect.objectContaining({ ticket_id: '1', status: 'open', salesforce_case_id: caseOf(1)?.Id }),
      expect.objectContaining({ ticket_id: '2', status: 'open', salesforce_case_id: caseOf(2)?.Id }),
    ]);
    expect(sf.calls().byEndpoint).toEqual({ 'oauth.token': 1, 'collections.upsert': 3, query: 1 });
  });

  it('writes every Case of a batch on its first delivery when some requester emails cannot be looked up', async () => {
    const ann = contacts[1];
    const byEmail = (id: number, email: string): TicketChange => ({
      ...change(id, 'open', '2026-01-01T10:00:00.000Z'),
      requester: { zendeskId: '9', email, externalId: null },
    });
    const batch = [
      byEmail(1, ann!.email),
      byEmail(2, `${'x'.repeat(100_000)}@example.com`),
      byEmail(3, 'lone\uD800surrogate@example.com'),
      byEmail(4, `${'y'.repeat(81)}@example.com`),
      byEmail(5, 'nobody@example.com'),
    ];

    const results = await syncTickets(batch, deps);

    expect(results).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(caseOf(1)).toMatchObject({ ContactId: ann!.id, AccountId: ann!.accountId });
    expect([2, 3, 4, 5].map((id) => caseOf(id)?.ContactId)).toEqual([null, null, null, null]);
    expect(sf.callLog().map((call) => [call.endpoint, call.status])).toEqual([
      ['oauth.token', 200],
      ['query', 200],
      ['collections.upsert', 200],
    ]);
  });

  it('ships a stale-update rule whose message carries the marker the client recognises', async () => {
    const rule = (
      new XMLParser({ parseTagValue: false }).parse(await readFile(STALE_RULE, 'utf8')) as {
        ValidationRule: { active: string; errorMessage: string };
      }
    ).ValidationRule;

    expect(rule.active).toBe('true');
    expect(rule.errorMessage.startsWith(`${STALE_UPDATE_MARKER}:`)).toBe(true);
  });
});
