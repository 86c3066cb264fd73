import { field, type FieldDef } from './schema.js';

/** A standard object as built into every org: key prefix, label and the fields the hub touches. */
export interface StandardObject {
  name: string;
  label: string;
  keyPrefix: string;
  fields: FieldDef[];
}

/** System fields every sObject has; Salesforce sets them, the API cannot. */
export function systemFields(): FieldDef[] {
  const readOnly = { readOnly: true };
  return [
    field('Id', 'id', { label: 'Record ID', length: 18, ...readOnly }),
    field('IsDeleted', 'boolean', { label: 'Deleted', ...readOnly }),
    field('CreatedDate', 'datetime', { label: 'Created Date', ...readOnly }),
    field('CreatedById', 'reference', { label: 'Created By ID', referenceTo: 'User', ...readOnly }),
    field('LastModifiedDate', 'datetime', { label: 'Last Modified Date', ...readOnly }),
    field('LastModifiedById', 'reference', { label: 'Last Modified By ID', referenceTo: 'User', ...readOnly }),
    field('SystemModstamp', 'datetime', { label: 'System Modstamp', ...readOnly }),
  ];
}

const text = (name: string, label: string, length: number, extra: Partial<FieldDef> = {}): FieldDef =>
  field(name, 'string', { label, length, ...extra });

/** Account, Contact, Case and Opportunity with the standard fields the hub reads or writes (labels as in the org). */
export const STANDARD_OBJECTS: StandardObject[] = [
  {
    name: 'Account',
    label: 'Account',
    keyPrefix: '001',
    fields: [
      text('Name', 'Account Name', 255, { required: true }),
      field('Type', 'picklist', { label: 'Account Type', length: 255 }),
      field('Industry', 'picklist', { label: 'Industry', length: 255 }),
      field('Website', 'url', { label: 'Website', length: 255 }),
      field('Phone', 'phone', { label: 'Account Phone', length: 40 }),
      field('Description', 'textarea', { label: 'Account Description', length: 32000 }),
    ],
  },
  {
    name: 'Contact',
    label: 'Contact',
    keyPrefix: '003',
    fields: [
      text('FirstName', 'First Name', 40),
      text('LastName', 'Last Name', 80, { required: true }),
      text('Name', 'Full Name', 121, { readOnly: true }),
      // Email is an idLookup field on Contact, but not an external id: it cannot key an upsert.
      field('Email', 'email', { label: 'Email', length: 80 }),
      field('Phone', 'phone', { label: 'Business Phone', length: 40 }),
      text('Title', 'Title', 128),
      field('AccountId', 'reference', { label: 'Account ID', referenceTo: 'Account', relationshipName: 'Account' }),
      field('Description', 'textarea', { label: 'Contact Description', length: 32000 }),
    ],
  },
  {
    name: 'Case',
    label: 'Case',
    keyPrefix: '500',
    fields: [
      text('CaseNumber', 'Case Number', 30, { readOnly: true, autoNumber: '{00000000}' }),
      text('Subject', 'Subject', 255),
      field('Description', 'textarea', { label: 'Description', length: 32000 }),
      field('Status', 'picklist', { label: 'Status', length: 255, defaultValue: 'New' }),
      field('Priority', 'picklist', { label: 'Priority', length: 255, defaultValue: 'Medium' }),
      field('Origin', 'picklist', { label: 'Case Origin', length: 255 }),
      field('Type', 'picklist', { label: 'Case Type', length: 255 }),
      field('Reason', 'picklist', { label: 'Case Reason', length: 255 }),
      field('SuppliedEmail', 'email', { label: 'Web Email', length: 80 }),
      field('SuppliedName', 'string', { label: 'Web Name', length: 80 }),
      field('ContactId', 'reference', { label: 'Contact ID', referenceTo: 'Contact', relationshipName: 'Contact' }),
      field('AccountId', 'reference', { label: 'Account ID', referenceTo: 'Account', relationshipName: 'Account' }),
      field('IsClosed', 'boolean', { label: 'Closed', readOnly: true }),
      field('ClosedDate', 'datetime', { label: 'Closed Date', readOnly: true }),
    ],
  },
  {
    name: 'Opportunity',
    label: 'Opportunity',
    keyPrefix: '006',
    fields: [
      text('Name', 'Name', 120, { required: true }),
      field('AccountId', 'reference', { label: 'Account ID', referenceTo: 'Account', relationshipName: 'Account' }),
      field('StageName', 'picklist', { label: 'Stage', length: 255, required: true }),
      field('Amount', 'double', { label: 'Amount' }),
      field('CloseDate', 'date', { label: 'Close Date', required: true }),
      field('Type', 'picklist', { label: 'Opportunity Type', length: 255 }),
    ],
  },
];

/** Case statuses that close a case (the org's default "Closed" status). */
export const CLOSED_CASE_STATUSES = new Set(['closed']);
