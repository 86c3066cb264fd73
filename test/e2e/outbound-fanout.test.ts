import { jest } from '@jest/globals';
import { SANDBOX_SALESFORCE_OUTBOUND_TOKEN } from '../../sandbox/launch.js';
import type { SeededAccounts } from '../../sandbox/salesforce/index.js';
import { eventually, queueDepth, startHubWithSandbox } from '../support/hub-harness.js';
import { startOutboundRelay, type OutboundRelay } from '../support/outbound-relay.js';
import { outboundEnvelope } from '../support/outbound-messages.js';

// Each relay crosses two batching windows (salesforce, then mixpanel queue), as in Lambda; capped at 1 s here.
jest.setTimeout(120_000);

const ROUTE = `/webhooks/salesforce/${SANDBOX_SALESFORCE_OUTBOUND_TOKEN}`;
let harness: Awaited<ReturnType<typeof startHubWithSandbox>>;
let relay: OutboundRelay;
let seeded: SeededAccounts;

beforeAll(async () => {
  // The org sends to the relay, which starts first: the hub's URL is known only once it listens.
  relay = await startOutboundRelay(ROUTE);
  harness = await startHubWithSandbox(
    {},
    {
      salesforceOutbound: {
        outboundMessages: [
          {
            name: 'Switchboard_Opportunity_Closed_Won',
            object: 'Opportunity',
            endpointUrl: relay.url,
            fields: ['AccountId', 'Amount', 'CloseDate', 'Name', 'StageName', 'SystemModstamp'],
            when: { StageName: 'Closed Won' },
          },
        ],
        outboundDelivery: { batchWindowMs: 50, firstRetryMs: 500, maxRetryIntervalMs: 2000, timeoutMs: 10_000 },
      },
    },
  );
  relay.target = `${harness.hub.url}${ROUTE}`;
  seeded = harness.sandbox.salesforce!.seedAccountsWithContacts({ accounts: 3, contactsPerAccount: 3 });
}, 60_000);
afterAll(async () => {
  await harness.stop();
  await relay.close();
});

const salesforce = () => harness.sandbox.salesforce!;
const mixpanel = () => harness.sandbox.mixpanel!;
const usersOf = (account: number) =>
  seeded.contacts.filter((contact) => contact.accountId === seeded.accounts[account]!.id).map((c) => c.appUserId);
const dealsWon = (userId: string) =>
  mixpanel()
    .events(userId)
    .filter((event) => event.event === 'Deal Won');

async function settled(): Promise<void> {
  await eventually(async () =>
    (await queueDepth(harness.hub, 'SalesforceQueue')) === 0 && (await queueDepth(harness.hub, 'MixpanelQueue')) === 0
      ? true
      : undefined,
  );
}

describe('Salesforce outbound message → fan-out → Mixpanel', () => {
  it('puts Deal Won on the timeline of every user of the account, once each, though the org redelivers', async () => {
    // The hub takes the first two deliveries but their Acks are lost: the org sends the message 3 times.
    relay.loseAcks(2);
    const won = salesforce().insert('Opportunity', {
      Name: 'Annual plan',
      AccountId: seeded.accounts[0]!.id,
      StageName: 'Closed Won',
      CloseDate: '2026-03-31',
      Amount: 48000,
    });

    await eventually(() => (salesforce().outboundDeliveries()[0]?.state === 'acked' ? true : undefined), 30_000);
    await eventually(() => (usersOf(0).every((user) => dealsWon(user).length > 0) ? true : undefined), 60_000);
    await settled();

    expect(relay.forwarded).toBe(3);
    expect(
      salesforce()
        .outboundDeliveries()[0]
        ?.attempts.map((attempt) => attempt.acked),
    ).toEqual([false, false, true]);
    for (const user of usersOf(0)) {
      expect(dealsWon(user)).toHaveLength(1);
      expect(dealsWon(user)[0]?.properties).toMatchObject({
        amount: 48000,
        close_date: '2026-03-31',
        salesforce_record_id: won,
        salesforce_account_id: seeded.accounts[0]!.id,
        outbound_rule: 'opportunity-closed-won',
      });
      expect(mixpanel().profile(user)?.properties).toMatchObject({ last_deal_won_at: '2026-03-31' });
    }
    for (const user of usersOf(1)) expect(dealsWon(user)).toEqual([]);
  });

  it('keeps the newer profile values when an older notification of the same Opportunity comes later', async () => {
    const accountId = seeded.accounts[2]!.id;
    const notification = (id: string, modstamp: string, closeDate: string) => ({
      id,
      sObjectType: 'Opportunity',
      fields: {
        Id: '0065g00000ZzOld1AAB',
        AccountId: accountId,
        Amount: '1200',
        CloseDate: closeDate,
        Name: 'Renewal',
        StageName: 'Closed Won',
        SystemModstamp: modstamp,
      },
    });
    const post = (body: string) =>
      fetch(`${harness.hub.url}${ROUTE}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
    const [user] = usersOf(2);

    expect(
      (await post(outboundEnvelope([notification('04l5g00000New01AAA', '2026-06-30T10:00:00Z', '2026-06-30')]))).status,
    ).toBe(200);
    await eventually(() =>
      mixpanel().profile(user!)?.properties.last_deal_won_at === '2026-06-30' ? true : undefined,
    );
    await settled();
    expect(
      (await post(outboundEnvelope([notification('04l5g00000Old01AAA', '2026-06-01T10:00:00Z', '2026-06-01')]))).status,
    ).toBe(200);
    // The older notification's event is its own (own insert id): it arrives, its profile values do not.
    await eventually(() => (dealsWon(user!).length === 2 ? true : undefined));
    await settled();

    for (const each of usersOf(2)) {
      expect(mixpanel().profile(each)?.properties.last_deal_won_at).toBe('2026-06-30');
      expect(
        dealsWon(each)
          .map((event) => event.properties.close_date)
          .sort(),
      ).toEqual(['2026-06-01', '2026-06-30']);
    }
  });
});
