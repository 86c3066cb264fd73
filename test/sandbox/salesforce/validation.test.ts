import type { SalesforceEmulator } from '../../../sandbox/salesforce/index.js';
import { api, connect, startTestOrg } from './factories.js';

describe('Salesforce emulator record validation', () => {
  let sf: SalesforceEmulator;
  let accountId: string;
  beforeAll(async () => {
    sf = await startTestOrg();
    accountId = sf.insert('Account', { Name: 'Acme', App_Account_Id__c: 'acc_1' });
    sf.insert('Contact', { LastName: 'Doe', App_User_Id__c: 'u_1' });
  });
  afterAll(async () => sf.stop());

  const invalid = (errorCode: string, message: string, fields: string[] = []) => ({ message, errorCode, fields });
  const cases: Array<[string, string, () => Record<string, unknown>, () => unknown]> = [
    [
      'an unknown field',
      'Case',
      () => ({ Ticket__c: 'x' }),
      () => invalid('INVALID_FIELD', "No such column 'Ticket__c' on sobject of type Case"),
    ],
    [
      'a text longer than the field',
      'Case',
      () => ({ Subject: 's'.repeat(256) }),
      () =>
        invalid('STRING_TOO_LONG', `Subject: data value too large: ${'s'.repeat(256)} (max length=255)`, ['Subject']),
    ],
    [
      'a missing Account Name',
      'Account',
      () => ({ Plan__c: 'pro' }),
      () => invalid('REQUIRED_FIELD_MISSING', 'Required fields are missing: [Name]', ['Name']),
    ],
    [
      'a missing Contact LastName',
      'Contact',
      () => ({ FirstName: 'Jo' }),
      () => invalid('REQUIRED_FIELD_MISSING', 'Required fields are missing: [LastName]', ['LastName']),
    ],
    [
      'text in a number field',
      'Account',
      () => ({ Name: 'A', Seats_Used__c: 'many' }),
      () =>
        invalid(
          'JSON_PARSER_ERROR',
          'Cannot deserialize instance of double from VALUE_STRING value many ' +
            'or request may be missing a required field',
        ),
    ],
    [
      'a malformed date-time',
      'Account',
      () => ({ Name: 'A', Last_Active_At__c: 'yesterday' }),
      () =>
        invalid(
          'JSON_PARSER_ERROR',
          'Cannot deserialize instance of datetime from VALUE_STRING value yesterday ' +
            'or request may be missing a required field',
        ),
    ],
    [
      'an object for a text field',
      'Case',
      () => ({ Subject: { a: 1 } }),
      () =>
        invalid(
          'JSON_PARSER_ERROR',
          'Cannot deserialize instance of string from START_OBJECT value { or request may be missing a required field',
        ),
    ],
    [
      'a bad email',
      'Contact',
      () => ({ LastName: 'X', Email: 'not-an-email' }),
      () => invalid('INVALID_EMAIL_ADDRESS', 'Email: invalid email address: not-an-email', ['Email']),
    ],
    [
      'a read-only field',
      'Case',
      () => ({ CaseNumber: '1' }),
      () =>
        invalid(
          'INVALID_FIELD_FOR_INSERT_UPDATE',
          'Unable to create/update fields: CaseNumber. ' +
            'Please check the security settings of this field ' +
            'and verify that it is read/write for your profile or permission set.',
          ['CaseNumber'],
        ),
    ],
    [
      'an Account id in ContactId',
      'Case',
      () => ({ ContactId: accountId }),
      () => invalid('MALFORMED_ID', `Contact ID: id value of incorrect type: ${accountId}`, ['ContactId']),
    ],
    [
      'an id that does not exist',
      'Case',
      () => ({ ContactId: '0035g0000000999AAA' }),
      () => invalid('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', ['ContactId']),
    ],
    [
      'an unknown parent external id',
      'Case',
      () => ({ Contact: { App_User_Id__c: 'u_missing' } }),
      () =>
        invalid(
          'INVALID_FIELD',
          'Foreign key external ID: u_missing not found for field App_User_Id__c in entity Contact',
        ),
    ],
    [
      'two fields in a foreign key',
      'Case',
      () => ({ Contact: { App_User_Id__c: 'u_1', Email: 'x@example.com' } }),
      () => invalid('INVALID_FIELD', 'More than 1 field provided in an external foreign key reference in entity: Case'),
    ],
    [
      'a duplicate unique value',
      'Account',
      () => ({ Name: 'Copy', App_Account_Id__c: 'acc_1' }),
      () =>
        invalid(
          'DUPLICATE_VALUE',
          `duplicate value found: App_Account_Id__c duplicates value on record with id: ${accountId.slice(0, 15)}`,
        ),
    ],
  ];

  it.each(cases)('rejects %s with 400 and the documented error', async (_case, object, body, expected) => {
    const res = await api(sf, 'POST', `/sobjects/${object}`, body());

    expect(res.status).toBe(400);
    expect(res.body).toEqual([expected()]);
  });

  it('rejects a body that is not JSON', async () => {
    const res = await api(sf, 'POST', '/sobjects/Case', '{"Subject":');

    expect(res.status).toBe(400);
    expect(res.body).toEqual([expect.objectContaining({ errorCode: 'JSON_PARSER_ERROR' })]);
  });

  it('refuses to clear a required field on update', async () => {
    const res = await api(sf, 'PATCH', `/sobjects/Account/${accountId}`, { Name: null });

    expect(res.body).toEqual([
      { message: 'Required fields are missing: [Name]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['Name'] },
    ]);
  });

  it('accepts numeric strings, date-only date-times and offsets, storing Salesforce formats', async () => {
    const res = await api(sf, 'POST', '/sobjects/Account', {
      Name: 'B',
      Seats_Used__c: '12',
      Last_Active_At__c: '2025-01-02T03:04:05+02:00',
      Usage_Synced_At__c: '2025-01-02',
    });

    const id = (res.body as { id: string }).id;
    expect(sf.getRecord(id)).toMatchObject({
      Seats_Used__c: 12,
      Last_Active_At__c: '2025-01-02T01:04:05.000+0000',
      Usage_Synced_At__c: '2025-01-02T00:00:00.000+0000',
    });
  });

  it('surfaces the error code through jsforce', async () => {
    await expect(connect(sf).sobject('Case').create({ Ticket__c: 'x' })).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD',
    });
  });
});
