import { toId18 } from '../../../sandbox/salesforce/ids.js';
import {
  defaultSalesforceConfig,
  startSalesforceEmulator,
  type SalesforceEmulator,
} from '../../../sandbox/salesforce/index.js';
import { connect, manualClock, startTestOrg } from './factories.js';

describe('Salesforce emulator programmatic access', () => {
  const clock = manualClock();
  let sf: SalesforceEmulator;
  beforeEach(async () => {
    sf = await startTestOrg({ clock: clock.now });
  });
  afterEach(async () => sf.stop());

  it('seeds accounts with linked contacts keyed by app ids', () => {
    const seeded = sf.seedAccountsWithContacts({ accounts: 2, contactsPerAccount: 3 });

    expect(seeded.accounts.map((a) => a.appAccountId)).toEqual(['acc_000001', 'acc_000002']);
    expect(seeded.contacts.map((c) => c.appUserId)).toEqual([
      'u_000001',
      'u_000002',
      'u_000003',
      'u_000004',
      'u_000005',
      'u_000006',
    ]);
    expect(sf.findByExternalId('Contact', 'App_User_Id__c', 'u_000004')).toMatchObject({
      AccountId: seeded.accounts[1]?.id,
      Email: 'user000004@example.com',
    });
  });

  it('validates inserts like the API and throws the Salesforce error', () => {
    expect(() => sf.insert('Account', { Plan__c: 'pro' })).toThrow(
      'REQUIRED_FIELD_MISSING: Required fields are missing: [Name]',
    );
    expect(() => sf.insert('Nope__c', {})).toThrow('Unknown sObject Nope__c');
  });

  it('lets a person edit a record after the fact, visible to the API', async () => {
    const id = sf.insert('Case', { Zendesk_Ticket_Id__c: '1', Subject: 'Printer' });
    clock.advance(60_000);

    sf.update('Case', id, { Status: 'Closed' });
    const result = await connect(sf).query(
      "SELECT Status, IsClosed, ClosedDate, LastModifiedDate FROM Case WHERE Zendesk_Ticket_Id__c = '1'",
    );

    expect(result.records[0]).toMatchObject({
      Status: 'Closed',
      IsClosed: true,
      ClosedDate: '2025-01-15T10:01:00.000+0000',
      LastModifiedDate: '2025-01-15T10:01:00.000+0000',
    });
  });

  it('numbers auto-number fields and derives Contact.Name', () => {
    const terms = [
      sf.insert('Terms_Acceptance__c', { Acceptance_Id__c: 'a1' }),
      sf.insert('Terms_Acceptance__c', { Acceptance_Id__c: 'a2' }),
    ];
    const contact = sf.insert('Contact', { FirstName: 'Ada', LastName: 'Lovelace' });

    expect(terms.map((id) => sf.getRecord(id)?.Name)).toEqual(['TA-000001', 'TA-000002']);
    expect(sf.getRecord(contact)?.Name).toBe('Ada Lovelace');
  });

  it('forgets records and usage on reset', async () => {
    sf.insert('Account', { Name: 'Acme' });
    await connect(sf).query('SELECT Id FROM Account');

    sf.reset();

    expect(sf.records('Account')).toEqual([]);
    expect(sf.apiUsage().used).toBe(0);
  });

  it('hands out the same ids for the same operations', async () => {
    const other = await startTestOrg();
    const ids = [sf.insert('Account', { Name: 'A' }), other.insert('Account', { Name: 'A' })];
    await other.stop();

    expect(ids[0]).toBe(ids[1]);
  });
});

describe('Salesforce emulator defaults', () => {
  it('starts from the plain default config with a working pre-issued token', async () => {
    const sf = await startSalesforceEmulator(defaultSalesforceConfig);
    const result = await connect(sf).query('SELECT COUNT() FROM Contact');
    await sf.stop();

    expect(result.totalSize).toBe(0);
  });
});

describe('Salesforce 18-character ids', () => {
  it('encode the upper-case positions of each 5-character chunk in the suffix', () => {
    expect(toId18('001ABCDE0000000')).toBe('001ABCDE0000000YHA');
    expect(toId18('0015g0000000001')).toBe('0015g0000000001AAA');
    expect(toId18('00000ZZZZZ00000')).toBe('00000ZZZZZ00000A5A');
  });
});
