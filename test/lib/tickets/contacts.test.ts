import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RetryableError } from '../../../lib/errors.js';
import { logger } from '../../../lib/observability.js';
import { CONTACT_MISS_TTL_SECONDS, ContactDirectory } from '../../../lib/tickets/contacts.js';
import type { LocalDynamoDb } from '../../../local/local-dynamodb.js';
import { FakeSalesforce } from '../../support/fake-salesforce.js';
import { FakeStateStore } from '../../support/fake-state-store.js';
import { probedStore, startStateTable } from '../../support/local-state-table.js';

const TTL = 3600;
const ann = { Id: '003A', AccountId: '001A', Email: 'Ann@Example.com', App_User_Id__c: 'u_ann' };
const lead = { Id: '003L', AccountId: null, Email: 'lead@example.com', App_User_Id__c: null };

function setup(state = new FakeStateStore()) {
  const salesforce = new FakeSalesforce();
  salesforce.contacts = [ann, lead];
  let now = Date.now();
  const container = () => new ContactDirectory({ salesforce, state, ttlSeconds: TTL, now: () => now });
  return { salesforce, state, container, later: (seconds: number) => (now += seconds * 1000) };
}

describe('ContactDirectory', () => {
  it('answers a second batch with the same emails from memory, without a query', async () => {
    const { salesforce, container } = setup();
    const directory = container();

    const first = await directory.byEmail(['ann@example.com', 'nobody@example.com']);
    const second = await directory.byEmail(['ANN@example.com', 'nobody@example.com']);

    expect(first).toEqual(new Map([['ann@example.com', { Id: '003A', AccountId: '001A', App_User_Id__c: 'u_ann' }]]));
    expect(second).toEqual(first);
    expect(salesforce.queries).toHaveLength(1);
  });

  it('shares what one container queried with another through the state store, keyed by a hash', async () => {
    const { salesforce, state, container } = setup();
    await container().byEmail(['ann@example.com', 'nobody@example.com']);

    const elsewhere = await container().byEmail(['ann@example.com', 'nobody@example.com']);

    expect(elsewhere.get('ann@example.com')?.App_User_Id__c).toBe('u_ann');
    expect(elsewhere.has('nobody@example.com')).toBe(false);
    expect(salesforce.queries).toHaveLength(1);
    expect(state.calls).toMatchObject({ getMany: 2, putMany: 1 });
    const stored = JSON.stringify(state.all());
    expect(stored).not.toMatch(/example\.com/i);
    expect(state.all().map((item) => item.pk)).toEqual([
      expect.stringMatching(/^tickets#contact-by-email#[A-Za-z0-9_-]{43}$/),
      expect.stringMatching(/^tickets#contact-by-email#[A-Za-z0-9_-]{43}$/),
    ]);
  });

  it('asks again once an entry expires: a miss or a non-user Contact soon, an app user after the TTL', async () => {
    const { salesforce, container, later } = setup();
    const directory = container();
    await directory.byEmail(['ann@example.com', 'lead@example.com', 'nobody@example.com']);
    later(CONTACT_MISS_TTL_SECONDS + 1);
    salesforce.contacts = [ann, { ...lead, App_User_Id__c: 'u_lead' }];

    const soon = await directory.byEmail(['ann@example.com', 'lead@example.com', 'nobody@example.com']);
    later(TTL);
    await container().byEmail(['ann@example.com']);

    expect(soon.get('lead@example.com')?.App_User_Id__c).toBe('u_lead');
    expect(salesforce.queries.map((query) => query.values)).toEqual([
      ['ann@example.com', 'lead@example.com', 'nobody@example.com'],
      ['lead@example.com', 'nobody@example.com'],
      ['ann@example.com'],
    ]);
  });

  it('queries Salesforce when the state store cannot answer or store, and logs no email', async () => {
    const state = new FakeStateStore();
    state.getMany = () => Promise.reject(new RetryableError('BatchGetItem on state failed: ThrottlingException'));
    state.putMany = () => Promise.reject(new RetryableError('BatchWriteItem on state failed: ThrottlingException'));
    const { salesforce, container } = setup(state);
    const warnings: unknown[] = [];
    const warn = logger.warn.bind(logger);
    logger.warn = (...args: unknown[]) => void warnings.push(args);

    try {
      const found = await container().byEmail(['ann@example.com']);

      expect(found.get('ann@example.com')?.Id).toBe('003A');
      expect(salesforce.queries).toHaveLength(1);
      expect(warnings).toHaveLength(2);
      expect(JSON.stringify(warnings)).not.toMatch(/example\.com/i);
    } finally {
      logger.warn = warn;
    }
  });

  it('caches nothing with a TTL of 0', async () => {
    const salesforce = new FakeSalesforce();
    salesforce.contacts = [ann];
    const state = new FakeStateStore();
    const directory = new ContactDirectory({ salesforce, state, ttlSeconds: 0 });

    await directory.byEmail(['ann@example.com']);
    await directory.byEmail(['ann@example.com']);

    expect(salesforce.queries).toHaveLength(2);
    expect(state.calls).toEqual({});
  });
});

describe('ContactDirectory on the local DynamoDB', () => {
  const TABLE = 'contacts-test-state';
  let db: LocalDynamoDb;
  beforeAll(async () => {
    db = await startStateTable(TABLE);
  });
  afterAll(async () => db.stop());

  it('reads 250 emails with 3 BatchGetItem calls and writes them with 10 BatchWriteItem calls', async () => {
    const salesforce = new FakeSalesforce();
    const emails = Array.from({ length: 250 }, (_, i) => `user${i}@example.com`);
    salesforce.contacts = emails.map((email, i) => ({
      Id: `003${i}`,
      AccountId: null,
      Email: email,
      App_User_Id__c: `u_${i}`,
    }));
    const probe = probedStore(db, TABLE);
    const [one, two] = [0, 1].map(() => new ContactDirectory({ salesforce, state: probe.store, ttlSeconds: TTL }));

    await one!.byEmail(emails);
    const found = await two!.byEmail(emails);

    expect(found.size).toBe(250);
    expect(salesforce.queries).toHaveLength(1);
    expect(probe.count('BatchGetItem')).toBe(6);
    expect(probe.count('BatchWriteItem')).toBe(10);
  });
});
