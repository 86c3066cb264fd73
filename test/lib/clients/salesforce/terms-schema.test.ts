import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { EVIDENCE_RECORD_FIELDS } from '../../../../lib/terms/evidence-hash.js';
import { loadSchema } from '../../../../sandbox/salesforce/index.js';

/** Every Terms_Acceptance__c field the hub writes: the hashed evidence, its hash and the two lookups. */
const WRITTEN = [...Object.values(EVIDENCE_RECORD_FIELDS), 'Evidence_Hash__c', 'Contact__c', 'Account__c'];

const PERMISSION_SET = fileURLToPath(
  new URL(
    '../../../../salesforce/force-app/main/default/permissionsets/Switchboard_Integration.permissionset-meta.xml',
    import.meta.url,
  ),
);

interface PermissionSetXml {
  fieldPermissions: Array<{ field: string; readable: string; editable: string }>;
  objectPermissions: Array<Record<string, string>>;
}

async function permissionSet(): Promise<PermissionSetXml> {
  const parser = new XMLParser({
    parseTagValue: false,
    isArray: (name) => name === 'fieldPermissions' || name === 'objectPermissions',
  });
  return (parser.parse(await readFile(PERMISSION_SET, 'utf8')) as { PermissionSet: PermissionSetXml }).PermissionSet;
}

describe('Terms_Acceptance__c metadata (salesforce/) against what the hub writes', () => {
  it('has every field the hub writes, as the emulator loads it from the SFDX source', async () => {
    const terms = (await loadSchema()).object('Terms_Acceptance__c');

    const missing = WRITTEN.filter((name) => !terms?.field(name));

    expect(missing).toEqual([]);
  });

  it('keys evidence on a unique, case-sensitive Acceptance_Id__c; each field fits what the hub accepts', async () => {
    const terms = (await loadSchema()).object('Terms_Acceptance__c');
    const shape = (name: string) => {
      const def = terms?.field(name);
      return def && { type: def.type, length: def.length };
    };

    expect(terms?.field('Acceptance_Id__c')).toMatchObject({
      type: 'string',
      length: 80,
      externalId: true,
      unique: true,
      caseSensitive: true,
    });
    expect(
      Object.fromEntries(
        WRITTEN.filter((name) => !['Acceptance_Id__c', 'Contact__c', 'Account__c'].includes(name)).map((name) => [
          name,
          shape(name),
        ]),
      ),
    ).toEqual({
      App_User_Id__c: { type: 'string', length: 80 },
      Email__c: { type: 'email', length: 80 },
      App_Account_Id__c: { type: 'string', length: 80 },
      Terms_Version__c: { type: 'string', length: 40 },
      Accepted_At__c: { type: 'datetime', length: undefined },
      IP_Address__c: { type: 'string', length: 45 },
      User_Agent__c: { type: 'string', length: 255 },
      Terms_Url__c: { type: 'url', length: 255 },
      Terms_Sha256__c: { type: 'string', length: 64 },
      Evidence_Hash__c: { type: 'string', length: 64 },
    });
    expect(terms?.relationship('Contact__r')).toMatchObject({
      name: 'Contact__c',
      type: 'reference',
      referenceTo: 'Contact',
    });
    expect(terms?.relationship('Account__r')).toMatchObject({
      name: 'Account__c',
      type: 'reference',
      referenceTo: 'Account',
    });
  });

  it('lets the integration user create and read evidence, not edit or delete, and set fields at creation', async () => {
    const permissions = await permissionSet();

    const object = permissions.objectPermissions.filter((p) => p.object === 'Terms_Acceptance__c');
    const fields = permissions.fieldPermissions.filter((p) => p.field.startsWith('Terms_Acceptance__c.'));

    expect(object).toEqual([
      {
        allowCreate: 'true',
        allowDelete: 'false',
        allowEdit: 'false',
        allowRead: 'true',
        modifyAllRecords: 'false',
        object: 'Terms_Acceptance__c',
        viewAllRecords: 'false',
      },
    ]);
    expect(fields.map((p) => p.field.replace('Terms_Acceptance__c.', '')).sort()).toEqual([...WRITTEN].sort());
    expect(fields.every((p) => p.readable === 'true' && p.editable === 'true')).toBe(true);
  });
});
