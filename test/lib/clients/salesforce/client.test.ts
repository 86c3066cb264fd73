import { SalesforceClient } from '../../../../lib/clients/salesforce/client.js';
import { DAILY_LIMIT_RETRY_SECONDS } from '../../../../lib/clients/salesforce/session.js';
import type { UpsertOutcome } from '../../../../lib/clients/salesforce/gateway.js';
import { PermanentError, RetryableError } from '../../../../lib/errors.js';
import type { SalesforceEmulator } from '../../../../sandbox/salesforce/index.js';
import { acceptances, configFor, startOrg, termsAcceptance, ticketCase, tickets } from './factories.js';

const CASE_KEY = 'Zendesk_Ticket_Id__c';
const TERMS = 'Terms_Acceptance__c';
const TERMS_KEY = 'Acceptance_Id__c';
const succeeded = (outcome: UpsertOutcome | undefined): outcome is { id: string; created: boolean } =>
  !!outcome && !(outcome instanceof Error);
/** The error of a failed outcome (fails the test when the record succeeded). */
function failure(outcome: UpsertOutcome | undefined): Error {
  if (outcome instanceof Error) return outcome;
  throw new Error(`expected a failure, got ${JSON.stringify(outcome)}`);
}

let sf: SalesforceEmulator;
let client: SalesforceClient;

/** A fresh emulated org and a client of it for each test of the block. */
function useOrg(): void {
  beforeEach(async () => {
    sf = await startOrg();
    client = new SalesforceClient(configFor(sf));
  });
  afterEach(async () => sf.stop());
}

describe('SalesforceClient.upsert', () => {
  useOrg();

  it('upserts 450 Cases as 3 collections in one composite call then updates them in one more', async () => {
    const cases = tickets(450);

    const first = await client.upsert('Case', CASE_KEY, cases);
    const callsAfterFirst = sf.calls().byEndpoint;
    const second = await client.upsert('Case', CASE_KEY, cases);

    expect(callsAfterFirst).toEqual({ 'oauth.token': 1, composite: 1 });
    expect(sf.calls().byEndpoint).toEqual({ 'oauth.token': 1, composite: 2 });
    expect(first).toHaveLength(450);
    first.forEach((outcome, i) => {
      expect(outcome).toEqual({ id: sf.findByExternalId('Case', CASE_KEY, String(i + 1))?.Id, created: true });
    });
    expect(second).toEqual(first.map((outcome) => (succeeded(outcome) ? { id: outcome.id, created: false } : outcome)));
    expect(sf.records('Case')).toHaveLength(450);
  });

  it('sends 1,200 Cases as 5 collections in one composite call and the sixth on its own', async () => {
    const outcomes = await client.upsert('Case', CASE_KEY, tickets(1200));

    expect(outcomes.every(succeeded)).toBe(true);
    expect(sf.calls().byEndpoint).toEqual({ 'oauth.token': 1, composite: 1, 'collections.upsert': 1 });
    expect(sf.records('Case')).toHaveLength(1200);
  });

  it('sends each collection in a call of its own when configured with one collection per call', async () => {
    const single = new SalesforceClient(configFor(sf, { collectionsPerCall: 1 }));

    const outcomes = await single.upsert('Case', CASE_KEY, tickets(450));

    expect(outcomes.every(succeeded)).toBe(true);
    expect(sf.calls().byEndpoint).toEqual({ 'oauth.token': 1, 'collections.upsert': 3 });
  });

  it('links lookups through external ids and fails only the record whose parent is unknown', async () => {
    const seeded = sf.seedAccountsWithContacts({ accounts: 1, contactsPerAccount: 2 });

    const [linked, unknown, other] = await client.upsert('Case', CASE_KEY, [
      ticketCase(1, { Contact: { App_User_Id__c: 'u_000001' } }),
      ticketCase(2, { Contact: { App_User_Id__c: 'u_999999' } }),
      ticketCase(3, { Contact: { App_User_Id__c: 'u_000002' }, Account: { App_Account_Id__c: 'acc_000001' } }),
    ]);

    expect(succeeded(linked) && sf.getRecord(linked.id)?.ContactId).toBe(seeded.contacts[0]?.id);
    expect(unknown).toBeInstanceOf(PermanentError);
    expect(unknown).toMatchObject({ code: 'INVALID_FIELD', message: expect.stringContaining('u_999999') });
    expect(succeeded(other) && sf.getRecord(other.id)).toMatchObject({
      ContactId: seeded.contacts[1]?.id,
      AccountId: seeded.accounts[0]?.id,
    });
    expect(sf.findByExternalId('Case', CASE_KEY, '2')).toBeUndefined();
  });

  it('reports an unknown field as a permanent INVALID_FIELD for that record only', async () => {
    const [bad, good] = await client.upsert('Case', CASE_KEY, [ticketCase(1, { Nope__c: 'x' }), ticketCase(2)]);

    expect(bad).toBeInstanceOf(PermanentError);
    expect(bad).toMatchObject({ code: 'INVALID_FIELD', message: expect.stringContaining('Nope__c') });
    expect(succeeded(good)).toBe(true);
  });

  it('refuses a record without its external id before sending it', async () => {
    const [missing, good] = await client.upsert('Case', CASE_KEY, [{ Subject: 'no key' }, ticketCase(2)]);

    expect(missing).toMatchObject({ name: 'PermanentError', code: 'MISSING_ARGUMENT' });
    expect(succeeded(good)).toBe(true);
    expect(sf.calls().byEndpoint['collections.upsert']).toBe(1);
  });

  it('sends a repeated external id in a later call so both writes apply in order', async () => {
    const outcomes = await client.upsert('Case', CASE_KEY, [
      ticketCase(1, { Subject: 'first' }),
      ticketCase(2),
      ticketCase(1, { Subject: 'second' }),
    ]);

    expect(outcomes.map((o) => (succeeded(o) ? o.created : o))).toEqual([true, true, false]);
    // Two collections, run in order inside one composite call.
    expect(sf.calls().byEndpoint).toEqual({ 'oauth.token': 1, composite: 1 });
    expect(sf.findByExternalId('Case', CASE_KEY, '1')?.Subject).toBe('second');
  });

  it('classifies UNABLE_TO_LOCK_ROW as retryable per record', async () => {
    await client.upsert('Case', CASE_KEY, tickets(3));
    sf.setUnableToLockRowRate(1);

    const outcomes = await client.upsert('Case', CASE_KEY, tickets(3));

    expect(outcomes).toHaveLength(3);
    for (const outcome of outcomes) {
      expect(outcome).toBeInstanceOf(RetryableError);
      expect((outcome as Error).message).toContain('UNABLE_TO_LOCK_ROW');
    }
  });

  it('gets a new token once when the session was revoked and retries the call', async () => {
    await client.upsert('Case', CASE_KEY, tickets(1));
    sf.revokeTokens();

    const outcomes = await client.upsert('Case', CASE_KEY, tickets(2, 10));

    expect(outcomes.every(succeeded)).toBe(true);
    expect(sf.calls().byEndpoint['oauth.token']).toBe(2);
    expect(
      sf
        .callLog()
        .filter((c) => c.endpoint === 'collections.upsert')
        .map((c) => c.status),
    ).toEqual([200, 401, 200]);
  });

  it('fails every record as retryable when a fresh token is refused too, without trying the other chunks', async () => {
    await sf.stop();
    let now = Date.now();
    // Every clock reading is an hour later: each token has expired by the time it is used.
    sf = await startOrg({ tokenTtlMs: 60_000, clock: () => new Date((now += 3_600_000)) });
    client = new SalesforceClient(configFor(sf));

    const outcomes = await client.upsert('Case', CASE_KEY, tickets(1200));

    expect(outcomes.every((o) => o instanceof RetryableError)).toBe(true);
    expect(failure(outcomes[0]).message).toMatch(/401/);
    expect(sf.calls().byEndpoint).toEqual({ 'oauth.token': 2, composite: 2 });
  });

  it('fails every record as retryable for minutes once the daily budget is spent', async () => {
    sf.setDailyApiLimit(1000);
    sf.setApiUsage(1000);

    const outcomes = await client.upsert('Case', CASE_KEY, tickets(1200));

    expect(outcomes).toHaveLength(1200);
    for (const outcome of outcomes) {
      expect(outcome).toBeInstanceOf(RetryableError);
      expect((outcome as RetryableError).retryAfterSeconds).toBeGreaterThanOrEqual(60);
    }
    expect((outcomes[0] as RetryableError).retryAfterSeconds).toBe(DAILY_LIMIT_RETRY_SECONDS);
    expect(failure(outcomes[0]).message).toContain('REQUEST_LIMIT_EXCEEDED');
    // The later call would be refused too: it is not sent.
    expect(sf.calls().byEndpoint).toEqual({ 'oauth.token': 1, composite: 1 });
    expect(client.apiUsage()).toEqual({ used: 1000, max: 1000 });
  });

  it('retries the concurrency limit after seconds, not minutes', async () => {
    const other = new SalesforceClient(configFor(sf));
    await Promise.all([client.upsert('Case', CASE_KEY, tickets(1)), other.upsert('Case', CASE_KEY, tickets(1, 2))]);
    sf.setConcurrencyLimit(1, 300);

    const [a, b] = await Promise.all([
      client.upsert('Case', CASE_KEY, tickets(1, 3)),
      other.upsert('Case', CASE_KEY, tickets(1, 4)),
    ]);

    const refused = [a?.[0], b?.[0]].filter((o) => o instanceof RetryableError);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.message).toContain('ConcurrentPerOrgLongTxn');
    expect(refused[0]?.retryAfterSeconds).toBeLessThan(DAILY_LIMIT_RETRY_SECONDS);
  });

  it('classifies 5xx as retryable, for the API call and for the token call', async () => {
    await client.upsert('Case', CASE_KEY, tickets(1));
    sf.setFaults({ errorRate: 1, errorStatus: 503 });
    const cold = new SalesforceClient(configFor(sf));

    const [unavailable] = await client.upsert('Case', CASE_KEY, tickets(1, 2));
    const [noToken] = await cold.upsert('Case', CASE_KEY, tickets(1, 3));

    expect(unavailable).toBeInstanceOf(RetryableError);
    expect(failure(unavailable).message).toContain('503');
    expect(noToken).toBeInstanceOf(RetryableError);
    expect(failure(noToken).message).toMatch(/token/i);
  });

  it('fails only the records of the call that failed', async () => {
    await client.upsert('Case', CASE_KEY, tickets(1));
    // Every answer takes 50 ms; the fault is lifted as soon as the first chunk has been refused.
    sf.setLatency(50);
    sf.setFaults({ errorRate: 1, errorStatus: 503 });
    const lifted = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (!sf.callLog().some((c) => c.status === 503)) return;
        clearInterval(poll);
        sf.setFaults({});
        resolve();
      }, 2);
    });

    const [outcomes] = await Promise.all([client.upsert('Case', CASE_KEY, tickets(1050, 100)), lifted]);

    expect(outcomes.slice(0, 1000).every((o) => o instanceof RetryableError && o.message.includes('503'))).toBe(true);
    expect(outcomes.slice(1000).every(succeeded)).toBe(true);
    expect(
      sf
        .callLog()
        .filter((c) => c.endpoint !== 'oauth.token')
        .map((c) => [c.endpoint, c.status]),
    ).toEqual([
      ['collections.upsert', 200],
      ['composite', 503],
      ['collections.upsert', 200],
    ]);
  });

  it('fails only a record that cannot be serialised', async () => {
    const [bad, good] = await client.upsert('Case', CASE_KEY, [ticketCase(1, { Big__c: 1n }), ticketCase(2)]);

    expect(bad).toMatchObject({ name: 'PermanentError', code: 'INVALID_RECORD' });
    expect(succeeded(good)).toBe(true);
  });

  it('treats a call that gets no answer in time as retryable', async () => {
    const impatient = new SalesforceClient(configFor(sf), { timeoutMs: 200 });
    await impatient.upsert('Case', CASE_KEY, tickets(1));
    sf.setFaults({ timeoutRate: 1, hangMs: 2000 });

    const [outcome] = await impatient.upsert('Case', CASE_KEY, tickets(1, 2));

    expect(outcome).toBeInstanceOf(RetryableError);
    expect(failure(outcome).message).toMatch(/did not answer/);
  });

  it('reports an unknown object as permanent for every record', async () => {
    const outcomes = await client.upsert('Nope__c', 'Key__c', [{ Key__c: '1' }, { Key__c: '2' }]);

    expect(outcomes.map((o) => (o as PermanentError).code)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
  });

  it('makes no call for an empty batch', async () => {
    expect(await client.upsert('Case', CASE_KEY, [])).toEqual([]);
    expect(sf.calls().total).toBe(0);
  });
});

describe('SalesforceClient.insert', () => {
  useOrg();

  it('creates 450 terms acceptances as 3 collections in one composite call, in input order', async () => {
    const outcomes = await client.insert(TERMS, acceptances(450));

    expect(sf.calls().byEndpoint).toEqual({ 'oauth.token': 1, composite: 1 });
    expect(outcomes).toHaveLength(450);
    outcomes.forEach((outcome, i) => {
      expect(outcome).toEqual({ id: sf.findByExternalId(TERMS, TERMS_KEY, `acc-${i + 1}`)?.Id, created: true });
    });
    expect(sf.records(TERMS)).toHaveLength(450);
    expect(sf.findByExternalId(TERMS, TERMS_KEY, 'acc-7')).toMatchObject({
      Email__c: 'user000007@example.com',
      Accepted_At__c: '2026-01-31T09:15:00.000+0000',
    });
  });

  it('fails only a reused Acceptance_Id__c with DUPLICATE_VALUE naming the stored record, left unchanged', async () => {
    const [first] = await client.insert(TERMS, [termsAcceptance(1)]);
    const firstId = succeeded(first) ? first.id : '';
    const before = sf.getRecord(firstId);

    const [fresh, again] = await client.insert(TERMS, [
      termsAcceptance(2),
      termsAcceptance(1, { User_Agent__c: 'curl/8.0', Evidence_Hash__c: 'f'.repeat(64) }),
    ]);

    expect(succeeded(fresh) && fresh.created).toBe(true);
    expect(again).toBeInstanceOf(PermanentError);
    expect(again).toMatchObject({ code: 'DUPLICATE_VALUE' });
    expect(failure(again).message).toContain(
      `duplicate value found: Acceptance_Id__c duplicates value on record with id: ${firstId.slice(0, 15)}`,
    );
    expect(sf.getRecord(firstId)).toEqual(before);
    expect(sf.records(TERMS)).toHaveLength(2);
    expect(sf.calls().byEndpoint['collections.create']).toBe(2);
  });

  it('links Contact__r and Account__r by external id; fails only on a missing contact, naming the key', async () => {
    const seeded = sf.seedAccountsWithContacts({ accounts: 1, contactsPerAccount: 1 });

    const [linked, missing] = await client.insert(TERMS, [
      termsAcceptance(1, {
        Contact__r: { App_User_Id__c: 'u_000001' },
        Account__r: { App_Account_Id__c: 'acc_000001' },
      }),
      termsAcceptance(2, { Contact__r: { App_User_Id__c: 'u_x' } }),
    ]);

    expect(succeeded(linked) && sf.getRecord(linked.id)).toMatchObject({
      Contact__c: seeded.contacts[0]?.id,
      Account__c: seeded.accounts[0]?.id,
    });
    expect(missing).toBeInstanceOf(PermanentError);
    expect(missing).toMatchObject({ code: 'INVALID_FIELD' });
    expect(failure(missing).message).toContain(
      'Foreign key external ID: u_x not found for field App_User_Id__c in entity Contact',
    );
    expect(sf.findByExternalId(TERMS, TERMS_KEY, 'acc-2')).toBeUndefined();
  });

  it('reports an unknown field as a permanent INVALID_FIELD for that record only', async () => {
    const [bad, good] = await client.insert(TERMS, [termsAcceptance(1, { Nope__c: 'x' }), termsAcceptance(2)]);

    expect(bad).toBeInstanceOf(PermanentError);
    expect(bad).toMatchObject({ code: 'INVALID_FIELD', message: expect.stringContaining('Nope__c') });
    expect(succeeded(good)).toBe(true);
  });

  it('never updates: a record with another type in attributes is still sent as the object asked for', async () => {
    const [outcome] = await client.insert(TERMS, [{ ...termsAcceptance(1), attributes: { type: 'Case' } }]);

    expect(succeeded(outcome) && sf.getRecord(outcome.id)?.Acceptance_Id__c).toBe('acc-1');
    expect(sf.records('Case')).toHaveLength(0);
  });

  it('classifies UNABLE_TO_LOCK_ROW as retryable per record', async () => {
    sf.setUnableToLockRowRate(1);

    const outcomes = await client.insert(TERMS, acceptances(2));

    expect(outcomes.every((o) => o instanceof RetryableError && o.message.includes('UNABLE_TO_LOCK_ROW'))).toBe(true);
  });

  it('gets a new token once when the session was revoked and retries the call', async () => {
    await client.insert(TERMS, acceptances(1));
    sf.revokeTokens();

    const outcomes = await client.insert(TERMS, acceptances(2, 10));

    expect(outcomes.every(succeeded)).toBe(true);
    expect(sf.calls().byEndpoint['oauth.token']).toBe(2);
    expect(
      sf
        .callLog()
        .filter((c) => c.endpoint === 'collections.create')
        .map((c) => c.status),
    ).toEqual([200, 401, 200]);
  });

  it('fails every record as retryable once the daily budget is spent, without sending the later chunks', async () => {
    sf.setDailyApiLimit(1000);
    sf.setApiUsage(1000);

    const outcomes = await client.insert(TERMS, acceptances(1200));

    expect(
      outcomes.every((o) => o instanceof RetryableError && o.retryAfterSeconds === DAILY_LIMIT_RETRY_SECONDS),
    ).toBe(true);
    expect(sf.calls().byEndpoint).toEqual({ 'oauth.token': 1, composite: 1 });
  });

  it('reports an unknown object per record, refuses a non-API name, and makes no call for an empty batch', async () => {
    const unknown = await client.insert('Nope__c', [{ Key__c: '1' }, { Key__c: '2' }]);
    const calls = sf.calls().byEndpoint['collections.create'];
    const injected = await client.insert('Terms_Acceptance__c/../x', [termsAcceptance(1)]);

    expect(unknown.map((o) => (o as PermanentError).code)).toEqual(['INVALID_TYPE', 'INVALID_TYPE']);
    expect(injected).toEqual([expect.objectContaining({ name: 'PermanentError', code: 'INVALID_API_NAME' })]);
    expect(sf.calls().byEndpoint['collections.create']).toBe(calls);
    expect(await client.insert(TERMS, [])).toEqual([]);
    expect(sf.calls().byEndpoint['collections.create']).toBe(calls);
  });
});

describe('SalesforceClient.queryWhereIn', () => {
  useOrg();

  it('looks up 450 emails, one with a quote, in 3 queries of at most 200 sent in one composite call', async () => {
    const seeded = sf.seedAccountsWithContacts({ accounts: 9, contactsPerAccount: 50 });
    const obrien = sf.insert('Contact', {
      LastName: "O'Brien",
      Email: "o'brien@example.com",
      App_User_Id__c: 'u_obrien',
    });
    const emails = [...seeded.contacts.slice(0, 449).map((c) => c.email), "o'brien@example.com"];

    const rows = await client.queryWhereIn<{ Id: string; Email: string; App_User_Id__c: string }>(
      'Contact',
      ['Id', 'Email', 'App_User_Id__c'],
      'Email',
      [...emails, emails[0]!, 'nobody@example.com'],
    );

    expect(sf.calls().byEndpoint).toEqual({ 'oauth.token': 1, composite: 1 });
    expect(rows).toHaveLength(450);
    expect(rows.find((r) => r.Email === "o'brien@example.com")).toEqual({
      Id: obrien,
      Email: "o'brien@example.com",
      App_User_Id__c: 'u_obrien',
    });
    expect(new Set(rows.map((r) => r.Id))).toEqual(
      new Set([...seeded.contacts.slice(0, 449).map((c) => c.id), obrien]),
    );
  });

  it('escapes backslashes and quotes in literals', async () => {
    const id = sf.insert('Contact', { LastName: "Back\\slash O'Neil" });

    const rows = await client.queryWhereIn('Contact', ['Id'], 'LastName', [
      "Back\\slash O'Neil",
      "x') OR Id != null OR LastName IN ('",
    ]);

    expect(rows).toEqual([{ Id: id }]);
  });

  it('follows nextRecordsUrl when the result is larger than a page', async () => {
    await sf.stop();
    sf = await startOrg({ queryPageSize: 50 });
    client = new SalesforceClient(configFor(sf));
    const seeded = sf.seedAccountsWithContacts({ accounts: 1, contactsPerAccount: 120 });

    const rows = await client.queryWhereIn<{ Id: string; Account: { App_Account_Id__c: string } }>(
      'Contact',
      ['Id', 'Account.App_Account_Id__c'],
      'App_User_Id__c',
      seeded.contacts.map((c) => c.appUserId),
    );

    expect(rows).toHaveLength(120);
    expect(rows[0]).toEqual({ Id: seeded.contacts[0]?.id, Account: { App_Account_Id__c: 'acc_000001' } });
    expect(sf.calls().byEndpoint).toEqual({ 'oauth.token': 1, query: 1, 'query.more': 2 });
  });

  it('follows nextRecordsUrl of the queries sent in a composite call', async () => {
    await sf.stop();
    sf = await startOrg({ queryPageSize: 150 });
    client = new SalesforceClient(configFor(sf));
    const seeded = sf.seedAccountsWithContacts({ accounts: 1, contactsPerAccount: 400 });

    const rows = await client.queryWhereIn<{ Id: string }>(
      'Contact',
      ['Id'],
      'App_User_Id__c',
      seeded.contacts.map((c) => c.appUserId),
    );

    expect(new Set(rows.map((row) => row.Id))).toEqual(new Set(seeded.contacts.map((c) => c.id)));
    // Queries of 200, 200: each answered with a page of 150, then one more page of 50.
    expect(sf.calls().byEndpoint).toEqual({ 'oauth.token': 1, composite: 1, 'query.more': 2 });
  });

  it('leaves out a value that is not valid Unicode and finds the others in the same query', async () => {
    const [ann, bob] = sf.seedAccountsWithContacts({ accounts: 1, contactsPerAccount: 2 }).contacts;

    const rows = await client.queryWhereIn<{ Email: string }>('Contact', ['Email'], 'Email', [
      ann!.email,
      'lone\uD800surrogate@example.com',
      bob!.email,
    ]);

    expect(rows.map((row) => row.Email).sort()).toEqual([ann!.email, bob!.email]);
    expect(sf.calls().byEndpoint).toEqual({ 'oauth.token': 1, query: 1 });
  });

  it('leaves out a value whose query alone would be too long, and sends no request over the limit', async () => {
    const [ann, bob] = sf.seedAccountsWithContacts({ accounts: 1, contactsPerAccount: 2 }).contacts;

    const rows = await client.queryWhereIn<{ Email: string }>('Contact', ['Email'], 'Email', [
      ann!.email,
      `${'x'.repeat(100_000)}@example.com`,
      bob!.email,
    ]);

    expect(rows.map((row) => row.Email).sort()).toEqual([ann!.email, bob!.email]);
    expect(sf.callLog().map((call) => [call.endpoint, call.status])).toEqual([
      ['oauth.token', 200],
      ['query', 200],
    ]);
  });

  it('splits an IN list by URL length as well as by count, keeping every URI under the budget', async () => {
    const subjects = Array.from({ length: 200 }, (_, i) => `${String(i).padStart(3, '0')} ${'é'.repeat(240)}`);
    const ids = [sf.insert('Case', { Subject: subjects[0] }), sf.insert('Case', { Subject: subjects[199] })];
    const budgeted = new SalesforceClient(configFor(sf), { maxQueryUriBytes: 4_000 });

    const rows = await budgeted.queryWhereIn<{ Id: string }>('Case', ['Id'], 'Subject', subjects);

    expect(rows.map((row) => row.Id).sort()).toEqual([...ids].sort());
    // Each value takes ~1,460 encoded bytes: two fit in 4,000 with the query around them, three do not.
    // 100 queries, 5 to a composite call.
    expect(sf.calls().byEndpoint.composite).toBe(20);
    expect(sf.callLog().every((call) => call.status === 200)).toBe(true);
  });

  it('refuses for good a query Salesforce finds too long (414), since the same query fails again', async () => {
    // A client allowed more than Salesforce takes (16,384 bytes of URI and headers) meets the 414.
    const unbounded = new SalesforceClient(configFor(sf), { maxQueryUriBytes: 100_000 });

    await expect(
      unbounded.queryWhereIn('Contact', ['Id'], 'Email', [`${'x'.repeat(20_000)}@example.com`]),
    ).rejects.toMatchObject({ name: 'PermanentError', code: 'ERROR_HTTP_414' });
    expect(sf.callLog().map((call) => call.status)).toContain(414);
  });

  it('makes no call for no values', async () => {
    expect(await client.queryWhereIn('Contact', ['Id'], 'Email', [])).toEqual([]);
    expect(sf.calls().total).toBe(0);
  });

  it('throws permanent errors for an unknown field or object and refuses names that are not API names', async () => {
    await expect(client.queryWhereIn('Contact', ['Nope__c'], 'Email', ['a@example.com'])).rejects.toMatchObject({
      name: 'PermanentError',
      code: 'INVALID_FIELD',
    });
    await expect(client.queryWhereIn('Nope__c', ['Id'], 'Email', ['a@example.com'])).rejects.toMatchObject({
      name: 'PermanentError',
      code: 'INVALID_TYPE',
    });
    await expect(client.queryWhereIn('Contact', ['Id FROM User --'], 'Email', ['a@example.com'])).rejects.toMatchObject(
      { name: 'PermanentError', code: 'INVALID_API_NAME' },
    );
  });

  it('throws a retryable error on 5xx without jsforce sleeping through its own retries', async () => {
    await client.queryWhereIn('Contact', ['Id'], 'Email', ['a@example.com']);
    sf.setFaults({ errorRate: 1, errorStatus: 500 });
    const started = Date.now();

    await expect(client.queryWhereIn('Contact', ['Id'], 'Email', ['a@example.com'])).rejects.toBeInstanceOf(
      RetryableError,
    );
    expect(Date.now() - started).toBeLessThan(400);
    expect(sf.calls().byEndpoint.query).toBe(2);
  });
});

describe('SalesforceClient.apiUsage', () => {
  it('is undefined before the first call and then follows Sforce-Limit-Info', async () => {
    const sf = await startOrg({ dailyApiRequests: 15_000, apiUsage: 41 });
    try {
      const client = new SalesforceClient(configFor(sf));
      const before = client.apiUsage();

      await client.upsert('Case', CASE_KEY, tickets(1));
      const afterOne = client.apiUsage();
      await client.queryWhereIn('Case', ['Id'], CASE_KEY, ['1']);

      expect(before).toBeUndefined();
      expect(afterOne).toEqual({ used: 42, max: 15_000 });
      expect(client.apiUsage()).toEqual({ used: 43, max: 15_000 });
      expect(sf.apiUsage()).toMatchObject({ used: 43, max: 15_000 });
    } finally {
      await sf.stop();
    }
  });
});
