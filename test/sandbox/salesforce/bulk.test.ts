import type { SalesforceEmulator } from '../../../sandbox/salesforce/index.js';
import { api, connect, startTestOrg } from './factories.js';

type JobInfo = {
  id: string;
  state: string;
  numberRecordsProcessed?: number;
  numberRecordsFailed?: number;
  errorMessage?: string;
};

async function openJob(
  sf: SalesforceEmulator,
  spec: Record<string, unknown> = { object: 'Account', operation: 'upsert', externalIdFieldName: 'App_Account_Id__c' },
) {
  return (await api(sf, 'POST', '/jobs/ingest', { contentType: 'CSV', lineEnding: 'LF', ...spec })).body as JobInfo;
}

const upload = (sf: SalesforceEmulator, job: JobInfo, csv: string) =>
  api(sf, 'PUT', `/jobs/ingest/${job.id}/batches`, csv, { 'content-type': 'text/csv' });
const setState = (sf: SalesforceEmulator, job: JobInfo, state: string) =>
  api(sf, 'PATCH', `/jobs/ingest/${job.id}`, { state });
const status = async (sf: SalesforceEmulator, job: JobInfo) =>
  (await api(sf, 'GET', `/jobs/ingest/${job.id}`)).body as JobInfo;

describe('Salesforce emulator Bulk API 2.0 ingest', () => {
  let sf: SalesforceEmulator;
  beforeEach(async () => {
    sf = await startTestOrg();
    sf.insert('Account', { Name: 'Old name', App_Account_Id__c: 'acc_2' });
  });
  afterEach(async () => sf.stop());

  it('loads an upsert through jsforce bulk2 and reports successes and failures', async () => {
    const conn = connect(sf);

    const results = await conn.bulk2.loadAndWaitForResults({
      object: 'Account',
      operation: 'upsert',
      externalIdFieldName: 'App_Account_Id__c',
      input: 'App_Account_Id__c,Name,Seats_Used__c\nacc_1,One,3\nacc_2,Two,4\nacc_3,,5\n',
      pollInterval: 5,
      pollTimeout: 5_000,
    });

    expect(
      results.successfulResults.map((r) => [r.sf__Created, (r as Record<string, unknown>).App_Account_Id__c]),
    ).toEqual([
      ['true', 'acc_1'],
      ['false', 'acc_2'],
    ]);
    expect(results.failedResults.map((r) => r.sf__Error)).toEqual([
      'REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --',
    ]);
    expect(sf.findByExternalId('Account', 'App_Account_Id__c', 'acc_2')).toMatchObject({
      Name: 'Two',
      Seats_Used__c: 4,
    });
  });

  it('walks Open → UploadComplete → InProgress → JobComplete with the documented job fields', async () => {
    const job = await openJob(sf);
    const uploaded = await upload(sf, job, 'App_Account_Id__c,Name\nacc_1,One\nacc_9,\n');
    const closed = await setState(sf, job, 'UploadComplete');
    const polls = [await status(sf, job), await status(sf, job)];

    expect(job).toMatchObject({
      id: expect.stringMatching(/^750/),
      state: 'Open',
      object: 'Account',
      operation: 'upsert',
      externalIdFieldName: 'App_Account_Id__c',
      contentUrl: `services/data/v62.0/jobs/ingest/${job.id}/batches`,
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: 62,
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
    });
    expect(uploaded.status).toBe(201);
    expect(closed.body).toMatchObject({ state: 'UploadComplete' });
    expect(polls.map((p) => p.state)).toEqual(['InProgress', 'JobComplete']);
    expect(polls[1]).toMatchObject({
      jobType: 'V2Ingest',
      numberRecordsProcessed: 2,
      numberRecordsFailed: 1,
      retries: 0,
    });
  });

  it('writes result files with the documented leading columns', async () => {
    const job = await openJob(sf);
    await upload(sf, job, 'App_Account_Id__c,Name\nacc_1,"One, Inc."\nacc_9,\n');
    await setState(sf, job, 'UploadComplete');
    await status(sf, job);
    await status(sf, job);

    const ok = await api(sf, 'GET', `/jobs/ingest/${job.id}/successfulResults`);
    const failed = await api(sf, 'GET', `/jobs/ingest/${job.id}/failedResults`);

    const id = sf.findByExternalId('Account', 'App_Account_Id__c', 'acc_1')?.Id;
    expect(ok.headers.get('content-type')).toBe('text/csv');
    expect(ok.text).toBe(`"sf__Id","sf__Created",App_Account_Id__c,Name\n"${String(id)}","true","acc_1","One, Inc."\n`);
    expect(failed.text).toBe(
      '"sf__Id","sf__Error",App_Account_Id__c,Name\n' +
        '"","REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --","acc_9",""\n',
    );
  });

  it('keeps an aborted job unprocessed and refuses further uploads', async () => {
    const job = await openJob(sf);
    await upload(sf, job, 'App_Account_Id__c,Name\nacc_1,One\n');
    await setState(sf, job, 'Aborted');

    const unprocessed = await api(sf, 'GET', `/jobs/ingest/${job.id}/unprocessedrecords`);
    const late = await upload(sf, job, 'App_Account_Id__c,Name\nacc_4,Four\n');

    expect(unprocessed.text).toBe('App_Account_Id__c,Name\n"acc_1","One"\n');
    expect(late.status).toBe(400);
    expect(late.body).toEqual([
      {
        message: 'InvalidJobState : Uploading data is not allowed for a job in state Aborted',
        errorCode: 'INVALIDJOBSTATE',
      },
    ]);
    expect(sf.findByExternalId('Account', 'App_Account_Id__c', 'acc_1')).toBeUndefined();
  });

  it('fails the whole job when a column names no field', async () => {
    const job = await openJob(sf, { object: 'Contact', operation: 'insert' });
    await upload(sf, job, 'LastName,Nickname__c\nDoe,D\n');
    await setState(sf, job, 'UploadComplete');
    await status(sf, job);

    expect(await status(sf, job)).toMatchObject({
      state: 'Failed',
      errorMessage: 'InvalidBatch : Field name not found : Nickname__c',
    });
  });

  it('inserts, updates and deletes by Id and sets lookups through Rel.ExternalId columns', async () => {
    const accountId = String(sf.findByExternalId('Account', 'App_Account_Id__c', 'acc_2')?.Id);
    const insert = await openJob(sf, { object: 'Contact', operation: 'insert' });
    await upload(sf, insert, 'LastName,App_User_Id__c,Account.App_Account_Id__c\nDoe,u_1,acc_2\n');
    await setState(sf, insert, 'UploadComplete');
    const contactId = String(sf.findByExternalId('Contact', 'App_User_Id__c', 'u_1')?.Id);
    const update = await openJob(sf, { object: 'Contact', operation: 'update' });
    await upload(sf, update, `Id,Title\n${contactId},CTO\n`);
    await setState(sf, update, 'UploadComplete');

    expect(sf.getRecord(contactId)).toMatchObject({ AccountId: accountId, Title: 'CTO' });
    const remove = await openJob(sf, { object: 'Contact', operation: 'delete' });
    await upload(sf, remove, `Id\n${contactId}\n`);
    await setState(sf, remove, 'UploadComplete');
    expect(sf.getRecord(contactId)).toBeUndefined();
  });

  it('fails rows whose cells do not fit the field type', async () => {
    const job = await openJob(sf);
    await upload(sf, job, 'App_Account_Id__c,Name,Seats_Used__c\nacc_5,Five,many\n');
    await setState(sf, job, 'UploadComplete');
    await status(sf, job);
    await status(sf, job);

    const failed = await api(sf, 'GET', `/jobs/ingest/${job.id}/failedResults`);

    expect(failed.text).toContain(
      '"INVALID_TYPE_ON_FIELD_IN_RECORD:Seats Used: value not of required type: many:Seats_Used__c --"',
    );
  });

  it('reports injected row locks per row', async () => {
    sf.setUnableToLockRowRate(1);
    const job = await openJob(sf);
    await upload(sf, job, 'App_Account_Id__c,Name\nacc_2,Two\n');
    await setState(sf, job, 'UploadComplete');
    await status(sf, job);
    await status(sf, job);

    const failed = await api(sf, 'GET', `/jobs/ingest/${job.id}/failedResults`);

    const id = String(sf.findByExternalId('Account', 'App_Account_Id__c', 'acc_2')?.Id);
    expect(failed.text).toContain(
      `"UNABLE_TO_LOCK_ROW:unable to obtain exclusive access to this record or 1 records: ${id}:--"`,
    );
  });

  it.each([
    [
      'an external id field that is not one',
      { object: 'Account', operation: 'upsert', externalIdFieldName: 'Name' },
      'InvalidJob : Field name provided, Name does not match an External ID, ' +
        'Salesforce Id, or indexed field for Account',
    ],
    [
      'an unknown object',
      { object: 'Widget__c', operation: 'insert' },
      'InvalidJob : Unable to find object: Widget__c',
    ],
    [
      'an unknown operation',
      { object: 'Account', operation: 'merge' },
      expect.stringMatching(/^InvalidJob : operation: /),
    ],
  ])('refuses a job with %s', async (_case, spec, message) => {
    const res = await api(sf, 'POST', '/jobs/ingest', spec);

    expect(res.status).toBe(400);
    expect(res.body).toEqual([{ message, errorCode: 'INVALIDJOB' }]);
  });

  it('lists jobs, deletes a finished one and answers 404 for it afterwards', async () => {
    const job = await openJob(sf);
    await setState(sf, job, 'Aborted');

    const list = await api(sf, 'GET', '/jobs/ingest');
    const removed = await api(sf, 'DELETE', `/jobs/ingest/${job.id}`);
    const after = await api(sf, 'GET', `/jobs/ingest/${job.id}`);

    expect(list.body).toMatchObject({
      done: true,
      records: [{ id: job.id, state: 'Aborted', jobType: 'V2Ingest' }],
      nextRecordsUrl: null,
    });
    expect(removed.status).toBe(204);
    expect([after.status, after.body]).toEqual([
      404,
      [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }],
    ]);
  });
});
