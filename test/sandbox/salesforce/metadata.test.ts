import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSchema, parseFieldXml } from '../../../sandbox/salesforce/metadata.js';

const fieldXml = (body: string) =>
  '<?xml version="1.0" encoding="UTF-8"?>' +
  `<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">${body}</CustomField>`;

describe('Salesforce metadata loading', () => {
  it('learns the custom fields of the SFDX source with their type, length and key flags', async () => {
    const schema = await loadSchema();

    const ticketId = schema.object('Case')?.field('Zendesk_Ticket_Id__c');
    const ip = schema.object('Terms_Acceptance__c')?.field('IP_Address__c');
    const seats = schema.object('Account')?.field('Seats_Used__c');
    expect(ticketId).toMatchObject({ type: 'string', externalId: true, unique: true, length: 255 });
    expect(ip).toMatchObject({ type: 'string', length: 45, externalId: false });
    expect(seats).toMatchObject({ type: 'double' });
  });

  it('turns custom lookups into references with a __r relationship', async () => {
    const schema = await loadSchema();

    const terms = schema.object('terms_acceptance__c');
    expect(terms?.field('Contact__c')).toMatchObject({
      type: 'reference',
      referenceTo: 'Contact',
      relationshipName: 'Contact__r',
    });
    expect(terms?.relationship('account__r')?.name).toBe('Account__c');
  });

  it('keeps the built-in standard fields next to the deployed ones', async () => {
    const schema = await loadSchema();

    const contact = schema.object('Contact');
    expect(contact?.field('LastName')).toMatchObject({ required: true, length: 80 });
    expect(contact?.field('App_User_Id__c')?.externalId).toBe(true);
    expect(contact?.relationship('Account')?.name).toBe('AccountId');
  });

  it('gives custom objects a custom key prefix and an auto-number Name from the object file', async () => {
    const schema = await loadSchema();

    const terms = schema.object('Terms_Acceptance__c');
    expect(terms?.keyPrefix).toMatch(/^a0[1-9A-Z]$/);
    expect(terms?.field('Name')).toMatchObject({ readOnly: true, autoNumber: 'TA-{000000}' });
  });

  it('reads a folder given as metadataDir', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sf-meta-'));
    await mkdir(join(dir, 'Widget__c', 'fields'), { recursive: true });
    await writeFile(
      join(dir, 'Widget__c', 'Widget__c.object-meta.xml'),
      '<CustomObject><label>Widget</label>' +
        '<nameField><label>Widget Name</label><type>Text</type></nameField></CustomObject>',
    );
    await writeFile(
      join(dir, 'Widget__c', 'fields', 'Size__c.field-meta.xml'),
      fieldXml('<fullName>Size__c</fullName><label>Size</label><type>Checkbox</type><defaultValue>true</defaultValue>'),
    );

    const schema = await loadSchema(dir);

    expect(schema.object('Widget__c')?.field('Name')).toMatchObject({ required: true, readOnly: false });
    expect(schema.object('Widget__c')?.field('Size__c')).toMatchObject({ type: 'boolean', defaultValue: true });
  });

  it('refuses field types it does not emulate and lookups without a target', () => {
    expect(() =>
      parseFieldXml(fieldXml('<fullName>G__c</fullName><label>G</label><type>Location</type>'), 'G'),
    ).toThrow('field type Location is not emulated');
    expect(() => parseFieldXml(fieldXml('<fullName>L__c</fullName><label>L</label><type>Lookup</type>'), 'L')).toThrow(
      'needs <referenceTo>',
    );
  });
});
