import type { SalesforceEmulator } from '../../../sandbox/salesforce/index.js';
import { api, connect, startTestOrg } from './factories.js';

const soql = (sf: SalesforceEmulator, q: string, resource = 'query') =>
  api(sf, 'GET', `/${resource}?q=${encodeURIComponent(q)}`);

describe('Salesforce emulator SOQL', () => {
  let sf: SalesforceEmulator;
  beforeEach(async () => {
    sf = await startTestOrg({ queryPageSize: 3 });
    const acme = sf.insert('Account', { Name: 'Acme', App_Account_Id__c: 'acc_1', Seats_Used__c: 5 });
    sf.insert('Contact', { LastName: 'Doe', Email: 'Doe@Example.com', App_User_Id__c: 'u_1', AccountId: acme });
    sf.insert('Contact', { LastName: "O'Brien", Email: 'ob@example.com', App_User_Id__c: 'u_2' });
    sf.insert('Contact', { LastName: 'Back\\slash', Email: 'bs@example.com', App_User_Id__c: 'u_3', AccountId: acme });
  });
  afterEach(async () => sf.stop());

  it('filters with = and IN case-insensitively and returns records with attributes', async () => {
    const result = await connect(sf).query(
      "SELECT Id, Email FROM Contact WHERE Email IN ('doe@example.com', 'OB@example.com') ORDER BY Email",
    );

    expect(result.totalSize).toBe(2);
    expect(result.records.map((r) => r.Email)).toEqual(['Doe@Example.com', 'ob@example.com']);
    expect(result.records[0]?.attributes).toEqual({
      type: 'Contact',
      url: expect.stringMatching(/^\/services\/data\/v62\.0\/sobjects\/Contact\/003/),
    });
  });

  it('reads escaped quotes and backslashes in literals', async () => {
    const quoted = await connect(sf).query("SELECT LastName FROM Contact WHERE LastName = 'O\\'Brien'");
    const slashed = await connect(sf).query("SELECT LastName FROM Contact WHERE LastName = 'Back\\\\slash'");

    expect(quoted.records.map((r) => r.LastName)).toEqual(["O'Brien"]);
    expect(slashed.records.map((r) => r.LastName)).toEqual(['Back\\slash']);
  });

  it('nests parent fields and returns null for an empty lookup', async () => {
    const result = await connect(sf).query(
      'SELECT LastName, Account.Name, Account.App_Account_Id__c FROM Contact ' +
        "WHERE App_User_Id__c IN ('u_1', 'u_2') ORDER BY LastName",
    );

    expect(result.records.map(({ LastName, Account }) => [LastName, Account])).toEqual([
      ['Doe', { attributes: { type: 'Account', url: expect.any(String) }, Name: 'Acme', App_Account_Id__c: 'acc_1' }],
      ["O'Brien", null],
    ]);
  });

  it('combines AND, comparison, ORDER BY DESC and LIMIT', async () => {
    const result = await connect(sf).query(
      "SELECT LastName FROM Contact WHERE Account.App_Account_Id__c = 'acc_1' " +
        'AND Email != null ORDER BY LastName DESC LIMIT 1',
    );

    expect(result.records.map((r) => r.LastName)).toEqual(['Doe']);
  });

  it('counts with COUNT()', async () => {
    const res = await soql(sf, 'SELECT COUNT() FROM Contact WHERE AccountId != null');

    expect(res.body).toEqual({ totalSize: 2, done: true, records: [] });
  });

  it('pages with nextRecordsUrl and follows it with autoFetch', async () => {
    sf.insertMany('Account', [{ Name: 'B' }, { Name: 'C' }, { Name: 'D' }, { Name: 'E' }]);

    const first = await soql(sf, 'SELECT Name FROM Account ORDER BY Name');
    const all = await connect(sf).query('SELECT Name FROM Account ORDER BY Name', { autoFetch: true, maxFetch: 100 });

    expect(first.body).toMatchObject({
      totalSize: 5,
      done: false,
      nextRecordsUrl: expect.stringMatching(/^\/services\/data\/v62\.0\/query\/0r8\w{15}-3$/),
    });
    expect(all.records.map((r) => r.Name)).toEqual(['Acme', 'B', 'C', 'D', 'E']);
    expect(sf.calls().byEndpoint).toEqual({ query: 2, 'query.more': 1 });
  });

  it('compares numbers and date-time literals', async () => {
    sf.insert('Account', { Name: 'Big', Seats_Used__c: 50, Last_Active_At__c: '2025-03-01T00:00:00Z' });

    const seats = await connect(sf).query('SELECT Name FROM Account WHERE Seats_Used__c > 10');
    const recent = await connect(sf).query('SELECT Name FROM Account WHERE Last_Active_At__c >= 2025-02-01T00:00:00Z');

    expect(seats.records.map((r) => r.Name)).toEqual(['Big']);
    expect(recent.records.map((r) => r.Name)).toEqual(['Big']);
  });

  it('keeps every page of a cursor readable, as cursors no longer expire on use', async () => {
    sf.insertMany('Account', [{ Name: 'B' }, { Name: 'C' }, { Name: 'D' }]);
    const next = ((await soql(sf, 'SELECT Name FROM Account')).body as { nextRecordsUrl: string }).nextRecordsUrl;

    const pages = [await api(sf, 'GET', next), await api(sf, 'GET', next)];

    expect(pages.map((p) => p.status)).toEqual([200, 200]);
    expect(pages[1]?.body).toMatchObject({ done: true, records: [{ Name: 'D' }] });
  });

  it('answers an unknown query locator with INVALID_QUERY_LOCATOR', async () => {
    const res = await api(sf, 'GET', '/query/0r85g0000000009AAA-2000');

    expect([res.status, res.body]).toEqual([
      400,
      [{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }],
    ]);
  });

  it('includes deleted records in queryAll only', async () => {
    const [gone] = sf.records('Contact');
    await api(sf, 'DELETE', `/sobjects/Contact/${String(gone?.Id)}`);

    const live = await soql(sf, 'SELECT Id FROM Contact');
    const all = await soql(sf, 'SELECT Id, IsDeleted FROM Contact', 'queryAll');

    expect((live.body as { totalSize: number }).totalSize).toBe(2);
    expect((all.body as { records: Array<{ IsDeleted: boolean }> }).records.map((r) => r.IsDeleted)).toEqual([
      true,
      false,
      false,
    ]);
  });

  it.each([
    [
      'an unknown field',
      'SELECT Id, Nickname__c FROM Contact',
      'INVALID_FIELD',
      1,
      12,
      "No such column 'Nickname__c' on entity 'Contact'. " +
        'If you are attempting to use a custom field, ' +
        "be sure to append the '__c' after the custom field name. " +
        'Please reference your WSDL or the describe call for the appropriate names.',
    ],
    [
      'an unknown relationship',
      'SELECT Owner__r.Name FROM Contact',
      'INVALID_FIELD',
      1,
      8,
      "Didn't understand relationship 'Owner__r' in field path. " +
        'If you are attempting to use a custom relationship, ' +
        "be sure to append the '__r' after the custom relationship name. " +
        'Please reference your WSDL or the describe call for the appropriate names.',
    ],
    [
      'an unknown object',
      'SELECT Id\nFROM Ticket__c',
      'INVALID_TYPE',
      2,
      6,
      "sObject type 'Ticket__c' is not supported. " +
        'If you are attempting to use a custom object, ' +
        "be sure to append the '__c' after the entity name. " +
        'Please reference your WSDL or the describe call for the appropriate names.',
    ],
    ['a dangling comma', 'SELECT Id, FROM Contact', 'MALFORMED_QUERY', 1, 12, "unexpected token: 'FROM'"],
    [
      'an OR (not emulated)',
      "SELECT Id FROM Contact WHERE Email = 'a' OR Email = 'b'",
      'MALFORMED_QUERY',
      1,
      42,
      "unexpected token: 'OR'",
    ],
    ['a missing literal', 'SELECT Id FROM Contact WHERE', 'MALFORMED_QUERY', 1, 29, "unexpected token: '<EOF>'"],
  ])('rejects %s with 400 and the row/column message', async (_case, q, errorCode, row, column, detail) => {
    const res = await soql(sf, q);

    const line = q.split('\n')[row - 1] ?? '';
    expect(res.status).toBe(400);
    expect(res.body).toEqual([
      { message: `\n${line}\n${' '.repeat(column - 1)}^\nERROR at Row:${row}:Column:${column}\n${detail}`, errorCode },
    ]);
  });
});
