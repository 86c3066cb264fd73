import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SalesforceEmulator } from '../../../sandbox/salesforce/index.js';
import { api, startTestOrg } from './factories.js';

/** An org whose Account has a non-unique, case-insensitive external id: the only way to get duplicates. */
async function orgWithLegacyIds(): Promise<SalesforceEmulator> {
  const dir = await mkdtemp(join(tmpdir(), 'sf-meta-'));
  await mkdir(join(dir, 'Account', 'fields'), { recursive: true });
  await writeFile(
    join(dir, 'Account', 'fields', 'Legacy_Id__c.field-meta.xml'),
    '<CustomField><fullName>Legacy_Id__c</fullName><label>Legacy Id</label><type>Text</type>' +
      '<length>20</length><externalId>true</externalId></CustomField>',
  );
  return startTestOrg({ metadataDir: dir });
}

describe('Salesforce emulator with duplicate external ids', () => {
  let sf: SalesforceEmulator;
  let ids: string[];
  beforeAll(async () => {
    sf = await orgWithLegacyIds();
    ids = [
      sf.insert('Account', { Name: 'A', Legacy_Id__c: 'L1' }),
      sf.insert('Account', { Name: 'B', Legacy_Id__c: 'l1' }),
    ];
  });
  afterAll(async () => sf.stop());

  it('answers a single upsert with 300 and the URL of every match', async () => {
    const res = await api(sf, 'PATCH', '/sobjects/Account/Legacy_Id__c/L1', { Name: 'C' });

    expect(res.status).toBe(300);
    expect(res.body).toEqual(ids.map((id) => `/services/data/v62.0/sobjects/Account/${id}`));
  });

  it('fails a collection record whose key matches several records', async () => {
    const res = await api(sf, 'PATCH', '/composite/sobjects/Account/Legacy_Id__c', {
      records: [{ attributes: { type: 'Account' }, Legacy_Id__c: 'L1', Name: 'C' }],
    });

    expect(res.body).toEqual([
      {
        success: false,
        errors: [
          {
            statusCode: 'DUPLICATE_EXTERNAL_ID',
            message: `Legacy Id: more than one record found for external id field: [${ids.join(', ')}]`,
            fields: [],
          },
        ],
      },
    ]);
  });

  it('fails a foreign key that matches several parents', async () => {
    const res = await api(sf, 'POST', '/sobjects/Contact', { LastName: 'Doe', Account: { Legacy_Id__c: 'L1' } });

    expect(res.body).toEqual([
      {
        message: 'Foreign key external ID: L1 matched more than one record for field Legacy_Id__c in entity Account',
        errorCode: 'DUPLICATE_EXTERNAL_ID',
        fields: [],
      },
    ]);
  });

  it('refuses a foreign key through a field that is not an external id', async () => {
    const res = await api(sf, 'POST', '/sobjects/Contact', { LastName: 'Doe', Account: { Name: 'A' } });

    expect(res.body).toEqual([
      {
        message: 'Field name provided, Name is not an External ID or indexed field for Account',
        errorCode: 'INVALID_FIELD',
        fields: [],
      },
    ]);
  });
});
