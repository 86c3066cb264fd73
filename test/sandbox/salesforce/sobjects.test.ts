import type { SalesforceEmulator } from '../../../sandbox/salesforce/index.js';
import { api, connect, manualClock, startTestOrg } from './factories.js';

const NOT_FOUND = [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }];

describe('Salesforce emulator sObject resources', () => {
  const clock = manualClock();
  let sf: SalesforceEmulator;
  beforeEach(async () => {
    sf = await startTestOrg({ clock: clock.now });
  });
  afterEach(async () => sf.stop());

  it('creates and retrieves a record through jsforce with realistic ids and system fields', async () => {
    const conn = connect(sf);

    const created = await conn.sobject('Account').create({ Name: 'Acme', App_Account_Id__c: 'acc_1' });
    const record = await conn.sobject('Account').retrieve(created.id ?? '');

    expect(created).toEqual({ id: expect.stringMatching(/^0015g\w{13}$/), success: true, errors: [] });
    expect(record).toMatchObject({
      attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${created.id}` },
      Id: created.id,
      Name: 'Acme',
      Seats_Used__c: null,
      CreatedDate: '2025-01-15T10:00:00.000+0000',
      SystemModstamp: '2025-01-15T10:00:00.000+0000',
    });
  });

  it('retrieves only the fields asked for', async () => {
    const id = sf.insert('Contact', { LastName: 'Doe', Email: 'doe@example.com' });

    const res = await api(sf, 'GET', `/sobjects/Contact/${id}?fields=Email,Name`);

    expect(res.body).toEqual({ attributes: expect.any(Object), Email: 'doe@example.com', Name: 'Doe' });
  });

  it('updates with 204 and moves LastModifiedDate, keeping CreatedDate', async () => {
    const id = sf.insert('Account', { Name: 'Acme' });
    clock.advance(5_000);

    const res = await api(sf, 'PATCH', `/sobjects/Account/${id}`, { Plan__c: 'pro' });

    expect(res.status).toBe(204);
    expect(sf.getRecord(id)).toMatchObject({
      Plan__c: 'pro',
      CreatedDate: '2025-01-15T10:00:00.000+0000',
      LastModifiedDate: '2025-01-15T10:00:05.000+0000',
    });
  });

  it('deletes with 204; the record is then gone and a second delete says it is deleted', async () => {
    const id = sf.insert('Account', { Name: 'Acme' });

    const first = await api(sf, 'DELETE', `/sobjects/Account/${id}`);
    const read = await api(sf, 'GET', `/sobjects/Account/${id}`);
    const second = await api(sf, 'DELETE', `/sobjects/Account/${id}`);

    expect(first.status).toBe(204);
    expect([read.status, read.body]).toEqual([404, NOT_FOUND]);
    expect([second.status, second.body]).toEqual([
      404,
      [{ message: 'entity is deleted', errorCode: 'ENTITY_IS_DELETED', fields: [] }],
    ]);
  });

  it('upserts by external id: 201 created, then 200 updated', async () => {
    const first = await api(sf, 'PATCH', '/sobjects/Case/Zendesk_Ticket_Id__c/4711', { Subject: 'Printer on fire' });
    const second = await api(sf, 'PATCH', '/sobjects/Case/Zendesk_Ticket_Id__c/4711', { Status: 'Closed' });

    expect([first.status, first.body]).toEqual([
      201,
      { id: expect.stringMatching(/^500/), success: true, errors: [], created: true },
    ]);
    expect(first.headers.get('location')).toBe(
      `/services/data/v62.0/sobjects/Case/${(first.body as { id: string }).id}`,
    );
    expect([second.status, second.body]).toEqual([
      200,
      { id: (first.body as { id: string }).id, success: true, errors: [], created: false },
    ]);
    expect(sf.findByExternalId('Case', 'Zendesk_Ticket_Id__c', '4711')).toMatchObject({
      Subject: 'Printer on fire',
      Status: 'Closed',
      IsClosed: true,
      Priority: 'Medium',
    });
  });

  it('answers an update upsert with 204 and no body up to v45.0', async () => {
    await api(sf, 'PATCH', '/sobjects/Case/Zendesk_Ticket_Id__c/1', { Subject: 'a' });

    const res = await api(sf, 'PATCH', '/services/data/v45.0/sobjects/Case/Zendesk_Ticket_Id__c/1', { Subject: 'b' });

    expect([res.status, res.text]).toEqual([204, '']);
  });

  it('upserts through jsforce and sets lookups through the parent external ids', async () => {
    sf.insert('Account', { Name: 'Acme', App_Account_Id__c: 'acc_1' });
    sf.insert('Contact', { LastName: 'Doe', App_User_Id__c: 'u_1' });

    const result = await connect(sf)
      .sobject('Case')
      .upsert(
        { Zendesk_Ticket_Id__c: '9', Contact: { App_User_Id__c: 'u_1' }, Account: { App_Account_Id__c: 'acc_1' } },
        'Zendesk_Ticket_Id__c',
      );

    const saved = sf.findByExternalId('Case', 'Zendesk_Ticket_Id__c', '9');
    expect(result).toMatchObject({ success: true, created: true });
    expect(saved?.ContactId).toBe(sf.findByExternalId('Contact', 'App_User_Id__c', 'u_1')?.Id);
    expect(saved?.AccountId).toBe(sf.findByExternalId('Account', 'App_Account_Id__c', 'acc_1')?.Id);
  });

  it.each([
    ['an unknown object', '/sobjects/Ticket__c/Zendesk_Ticket_Id__c/1'],
    ['an unknown external id field', '/sobjects/Case/Ticket_Id__c/1'],
    ['a field that is not an external id', '/sobjects/Case/Subject/1'],
  ])('answers 404 NOT_FOUND for an upsert on %s', async (_case, path) => {
    const res = await api(sf, 'PATCH', path, { Subject: 'x' });

    expect([res.status, res.body]).toEqual([404, NOT_FOUND]);
  });

  it('answers 404 for a version that is not vNN.N and for an unknown record', async () => {
    const badVersion = await api(sf, 'GET', '/services/data/62/limits');
    const missing = await api(sf, 'GET', '/sobjects/Account/0015g0000000999AAA');

    expect([badVersion.status, badVersion.body]).toEqual([404, NOT_FOUND]);
    expect([missing.status, missing.body]).toEqual([404, NOT_FOUND]);
  });

  it('stores a lookup given as a 15-character id in its 18-character form', async () => {
    const accountId = sf.insert('Account', { Name: 'Acme' });

    const contactId = sf.insert('Contact', { LastName: 'Doe', AccountId: accountId.slice(0, 15) });

    expect(sf.getRecord(contactId)?.AccountId).toBe(accountId);
  });

  it('reads a record by external id', async () => {
    sf.insert('Contact', { LastName: 'Doe', App_User_Id__c: 'u_7' });

    const res = await api(sf, 'GET', '/sobjects/Contact/App_User_Id__c/u_7');

    expect(res.body).toMatchObject({ LastName: 'Doe', App_User_Id__c: 'u_7' });
  });
});
