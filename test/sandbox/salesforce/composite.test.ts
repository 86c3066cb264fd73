import type { SalesforceEmulator } from '../../../sandbox/salesforce/index.js';
import { api, caseFor, startTestOrg, VERSION } from './factories.js';

const BASE = `/services/data/${VERSION}`;
const collection = (referenceId: string, records: unknown[]) => ({
  method: 'PATCH',
  url: `${BASE}/composite/sobjects/Case/Zendesk_Ticket_Id__c`,
  referenceId,
  body: { allOrNone: false, records },
});
const tickets = (from: number, count: number) => Array.from({ length: count }, (_, i) => caseFor(from + i));
const composite = (sf: SalesforceEmulator, body: unknown) => api(sf, 'POST', '/composite', body);
const results = (body: unknown) =>
  (body as { compositeResponse: Array<{ referenceId: string; httpStatusCode: number; body: unknown }> })
    .compositeResponse;

describe('Salesforce emulator Composite', () => {
  let sf: SalesforceEmulator;
  beforeEach(async () => {
    sf = await startTestOrg();
  });
  afterEach(async () => sf.stop());

  it('runs 5 collections of 200 in one API call, in order, each answered under its referenceId', async () => {
    const before = sf.apiUsage().used;
    const res = await composite(sf, {
      allOrNone: false,
      collateSubrequests: false,
      compositeRequest: [0, 1, 2, 3, 4].map((n) => collection(`c${n}`, tickets(n * 200 + 1, 200))),
    });

    expect(res.status).toBe(200);
    expect(results(res.body).map((r) => [r.referenceId, r.httpStatusCode])).toEqual([
      ['c0', 200],
      ['c1', 200],
      ['c2', 200],
      ['c3', 200],
      ['c4', 200],
    ]);
    expect((results(res.body)[4]?.body as unknown[])[199]).toEqual({
      id: sf.findByExternalId('Case', 'Zendesk_Ticket_Id__c', '1000')?.Id,
      success: true,
      errors: [],
      created: true,
    });
    expect(sf.records('Case')).toHaveLength(1000);
    expect(sf.apiUsage().used).toBe(before + 1);
    expect(sf.calls().byEndpoint).toEqual({ composite: 1 });
    expect(res.headers.get('sforce-limit-info')).toBe(`api-usage=${before + 1}/${sf.apiUsage().max}`);
  });

  it('applies a later collection after an earlier one: the last write of a repeated external id wins', async () => {
    await composite(sf, {
      compositeRequest: [
        collection('first', [caseFor(1, { Subject: 'first' })]),
        collection('second', [caseFor(1, { Subject: 'second' })]),
      ],
    });

    expect(sf.findByExternalId('Case', 'Zendesk_Ticket_Id__c', '1')?.Subject).toBe('second');
  });

  it('answers a failed subrequest with its own status and error body, and runs the others', async () => {
    const res = await composite(sf, {
      compositeRequest: [
        collection('tooMany', tickets(1, 201)),
        { method: 'GET', url: `${BASE}/query?q=SELECT+Id+FROM+Nope`, referenceId: 'badQuery' },
        { method: 'GET', url: `${BASE}/nothing/here`, referenceId: 'missing' },
        collection('fine', tickets(500, 2)),
      ],
    });

    const [tooMany, badQuery, missing, fine] = results(res.body);
    expect(tooMany).toMatchObject({ httpStatusCode: 400, body: [{ errorCode: 'EXCEEDED_ID_LIMIT' }] });
    expect(badQuery).toMatchObject({ httpStatusCode: 400, body: [{ errorCode: 'INVALID_TYPE' }] });
    expect(missing).toMatchObject({ httpStatusCode: 404, body: [{ errorCode: 'NOT_FOUND' }] });
    expect(fine?.httpStatusCode).toBe(200);
    expect(sf.records('Case')).toHaveLength(2);
  });

  it('resolves @{ref.field} from an earlier answer, and halts a subrequest whose reference has no value', async () => {
    const res = await composite(sf, {
      compositeRequest: [
        { method: 'POST', url: `${BASE}/sobjects/Account`, referenceId: 'acct', body: { Name: 'Acme' } },
        {
          method: 'POST',
          url: `${BASE}/sobjects/Contact`,
          referenceId: 'contact',
          body: { LastName: 'Lee', AccountId: '@{acct.id}' },
        },
        { method: 'GET', url: `${BASE}/sobjects/Contact/@{nobody.id}`, referenceId: 'orphan' },
      ],
    });

    const [acct, contact, orphan] = results(res.body);
    const accountId = (acct?.body as { id: string }).id;
    expect(contact?.httpStatusCode).toBe(201);
    expect(sf.getRecord((contact?.body as { id: string }).id)?.AccountId).toBe(accountId);
    expect(orphan).toMatchObject({ httpStatusCode: 400, body: [{ errorCode: 'PROCESSING_HALTED' }] });
  });

  it('rolls every subrequest back with allOrNone when one fails', async () => {
    const res = await composite(sf, {
      allOrNone: true,
      compositeRequest: [collection('good', tickets(1, 3)), collection('bad', tickets(10, 201))],
    });

    const [good, bad] = results(res.body);
    expect(good).toMatchObject({ httpStatusCode: 400, body: [{ errorCode: 'PROCESSING_HALTED' }] });
    expect(bad).toMatchObject({ httpStatusCode: 400, body: [{ errorCode: 'EXCEEDED_ID_LIMIT' }] });
    expect(sf.records('Case')).toHaveLength(0);
  });

  it('refuses more than 25 subrequests, or more than 5 collections or queries, before running any', async () => {
    const sixCollections = await composite(sf, {
      compositeRequest: [0, 1, 2, 3, 4, 5].map((n) => collection(`c${n}`, tickets(n + 1, 1))),
    });
    const query = (n: number) => ({ method: 'GET', url: `${BASE}/query?q=SELECT+Id+FROM+Case`, referenceId: `q${n}` });
    const sixMixed = await composite(sf, {
      compositeRequest: [collection('c', tickets(1, 1)), ...[0, 1, 2, 3, 4].map(query)],
    });
    const read = (n: number) => ({ method: 'GET', url: `${BASE}/sobjects/Case/describe`, referenceId: `r${n}` });
    const twentySix = await composite(sf, { compositeRequest: Array.from({ length: 26 }, (_, n) => read(n)) });

    for (const res of [sixCollections, sixMixed, twentySix]) {
      expect(res.status).toBe(400);
      expect(res.body).toEqual([expect.objectContaining({ errorCode: 'LIMIT_EXCEEDED' })]);
    }
    expect(sf.records('Case')).toHaveLength(0);
  });

  it('refuses a body without compositeRequest, or a subrequest without a usable referenceId', async () => {
    const none = await composite(sf, { allOrNone: false });
    const badId = await composite(sf, { compositeRequest: [{ ...collection('has space', tickets(1, 1)) }] });
    const twice = await composite(sf, { compositeRequest: [collection('a', tickets(1, 1)), collection('a', [])] });

    for (const res of [none, badId, twice]) {
      expect(res.status).toBe(400);
      expect(res.body).toEqual([expect.objectContaining({ errorCode: 'JSON_PARSER_ERROR' })]);
    }
  });

  it('holds the call for the composite subrequest time of each subrequest after the first', async () => {
    sf.setCompositeSubrequestTime(100);
    const started = performance.now();

    await composite(sf, { compositeRequest: [0, 1, 2].map((n) => collection(`c${n}`, tickets(n + 1, 1))) });

    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
  });
});
