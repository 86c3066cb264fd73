import { PermanentError } from '../../../lib/errors.js';
import { TermsAcceptance } from '../../../lib/terms/acceptance.js';
import { recordAcceptances } from '../../../lib/terms/record.js';
import { FakeQueueGateway } from '../../support/fake-queue-gateway.js';
import { FakeSalesforce } from '../../support/fake-salesforce.js';
import { unpackedIntents } from '../../support/mixpanel-messages.js';
import { acceptanceBody } from '../../support/terms.js';

const acceptance = (n: number, overrides: Record<string, unknown> = {}) =>
  TermsAcceptance.parse(acceptanceBody(n, overrides));

function setup() {
  const salesforce = new FakeSalesforce();
  salesforce.knownAppUsers = new Set(['u_000001', 'u_000002']);
  salesforce.knownAppAccounts = new Set(['acc_000001']);
  const queue = new FakeQueueGateway();
  const sent = () => unpackedIntents(queue.sent.flatMap((batch) => batch.messages));
  return { salesforce, queue, sent, deps: { salesforce, queue, mixpanelQueueUrl: 'http://q/mixpanel' } };
}

describe('recordAcceptances', () => {
  it('creates one linked record per acceptance in one call, then its event and one profile $set, packed', async () => {
    const { salesforce, queue, sent, deps } = setup();

    const results = await recordAcceptances([acceptance(1), acceptance(2)], deps);

    expect(results).toEqual([undefined, undefined]);
    expect(salesforce.inserts).toHaveLength(1);
    expect(salesforce.inserts[0]?.records[0]).toMatchObject({
      Acceptance_Id__c: 'acc-1',
      IP_Address__c: '203.0.113.7',
      Evidence_Hash__c: expect.stringMatching(/^[a-f0-9]{64}$/),
      Contact__r: { App_User_Id__c: 'u_000001' },
      Account__r: { App_Account_Id__c: 'acc_000001' },
    });
    expect(queue.sent.flatMap((batch) => batch.messages.map((message) => message.attributes))).toEqual([
      { source: 'app', intent: 'mixpanel.events', count: '2' },
      { source: 'app', intent: 'mixpanel.profiles', count: '2' },
    ]);
    expect(sent().map((intent) => intent.type)).toEqual([
      'mixpanel.event',
      'mixpanel.event',
      'mixpanel.profile',
      'mixpanel.profile',
    ]);
    expect(sent()[2]).toEqual({
      type: 'mixpanel.profile',
      update: {
        distinctId: 'u_000001',
        operation: '$set',
        values: { terms_version: '2026-01', terms_accepted_at: acceptance(1).accepted_at },
      },
    });
  });

  it('treats a re-sent acceptance with the same evidence as already recorded, without a second record', async () => {
    const { salesforce, sent, deps } = setup();
    await recordAcceptances([acceptance(1)], deps);

    const results = await recordAcceptances([acceptance(1)], deps);

    expect(results).toEqual([undefined]);
    expect([...salesforce.stored.values()].filter((record) => record.Acceptance_Id__c === 'acc-1')).toHaveLength(1);
    const events = sent().filter((intent) => intent.type === 'mixpanel.event');
    expect(events).toHaveLength(2);
    expect(
      new Set(events.map((intent) => (intent.type === 'mixpanel.event' ? intent.event.properties.$insert_id : ''))),
    ).toHaveProperty('size', 1);
  });

  it('refuses different evidence under a recorded acceptance id and keeps the first', async () => {
    const { salesforce, deps } = setup();
    await recordAcceptances([acceptance(1)], deps);
    const [stored] = [...salesforce.stored.values()];

    const [result] = await recordAcceptances([acceptance(1, { ip: '198.51.100.9' })], deps);

    expect(result).toBeInstanceOf(PermanentError);
    expect((result as PermanentError).code).toBe('EVIDENCE_CONFLICT');
    expect([...salesforce.stored.values()]).toEqual([stored]);
  });

  it('refuses the second of two different acceptances with one id in the same batch', async () => {
    const { deps } = setup();

    const results = await recordAcceptances(
      [acceptance(1), acceptance(1, { user_agent: 'other' }), acceptance(1)],
      deps,
    );

    expect(results[0]).toBeUndefined();
    expect((results[1] as PermanentError).code).toBe('EVIDENCE_CONFLICT');
    expect(results[2]).toBeUndefined();
  });

  it('keeps the evidence, unlinked, for a user the org does not know yet', async () => {
    const { salesforce, sent, deps } = setup();

    const [result] = await recordAcceptances([acceptance(9)], deps);

    expect(result).toBeUndefined();
    expect(salesforce.inserts).toHaveLength(2);
    expect(salesforce.inserts[1]?.records[0]).not.toHaveProperty('Contact__r');
    expect(sent()[0]).toMatchObject({ type: 'mixpanel.event', event: { properties: { distinct_id: 'u_000009' } } });
  });
});
