import { accountRecords, generateUsage, seedUsageAccounts } from '../../../sandbox/app/index.js';
import {
  defaultSalesforceConfig,
  startSalesforceEmulator,
  type SalesforceEmulator,
} from '../../../sandbox/salesforce/index.js';
import { collect } from '../../support/usage-export.js';

const AS_OF = Date.parse('2026-01-15T02:00:00Z');
const usage = { users: 5_000, accounts: 300, asOf: AS_OF, seed: 4 };

describe('accountRecords', () => {
  const records = accountRecords(usage);

  it('gives one Account per account of the export, the hand-checkable ones first', async () => {
    const inExport = new Set((await collect(generateUsage(usage))).map((row) => row.account_id));

    expect(new Set(records.map((record) => record.App_Account_Id__c))).toEqual(inExport);
    expect(records.slice(0, 3)).toEqual([
      {
        App_Account_Id__c: 'acc_000001',
        Name: 'Trial Case Ltd',
        Plan__c: 'trial',
        Seats_Purchased__c: 0,
        MRR__c: 0,
        Renewal_Date__c: '2026-01-25',
      },
      {
        App_Account_Id__c: 'acc_000002',
        Name: 'Paying Case Inc',
        Plan__c: 'pro',
        Seats_Purchased__c: 10,
        MRR__c: 290,
        Renewal_Date__c: '2026-05-15',
      },
      {
        App_Account_Id__c: 'acc_000003',
        Name: 'Mover Case GmbH',
        Plan__c: 'starter',
        Seats_Purchased__c: 3,
        MRR__c: 36,
        Renewal_Date__c: '2026-08-03',
      },
    ]);
  });

  it('bills paying plans for seats mostly at or above their users, and nothing on trial or free', async () => {
    const users = new Map<string, number>();
    for (const row of await collect(generateUsage(usage)))
      users.set(row.account_id, (users.get(row.account_id) ?? 0) + 1);
    const paying = records.filter((record) => !['trial', 'free'].includes(record.Plan__c));
    const unpaid = records.filter((record) => ['trial', 'free'].includes(record.Plan__c));
    const covered = paying.filter((record) => record.Seats_Purchased__c >= (users.get(record.App_Account_Id__c) ?? 0));

    expect(new Set(records.map((record) => record.Plan__c))).toEqual(
      new Set(['trial', 'free', 'starter', 'pro', 'enterprise']),
    );
    expect(covered.length / paying.length).toBeGreaterThan(0.8);
    expect(paying.every((record) => record.MRR__c > 0 && record.Renewal_Date__c! > '2026-01-15')).toBe(true);
    expect(unpaid.every((record) => record.MRR__c === 0 && record.Seats_Purchased__c === 0)).toBe(true);
    expect(unpaid.every((record) => (record.Plan__c === 'free') === (record.Renewal_Date__c === null))).toBe(true);
  });

  it('is the same in every night of a seed', () => {
    expect(accountRecords({ ...usage, changedShare: 0.2 })).toEqual(records);
  });
});

describe('seedUsageAccounts', () => {
  let salesforce: SalesforceEmulator;

  beforeAll(async () => {
    salesforce = await startSalesforceEmulator(defaultSalesforceConfig);
  });
  afterAll(async () => salesforce.stop());

  it("inserts the Accounts with the usage fields the org's metadata declares", () => {
    const ids = seedUsageAccounts(salesforce, usage);

    expect(ids).toHaveLength(usage.accounts);
    expect(salesforce.records('Account')).toHaveLength(usage.accounts);
    expect(salesforce.findByExternalId('Account', 'App_Account_Id__c', 'acc_000002')).toMatchObject({
      Id: ids[1],
      Plan__c: 'pro',
      MRR__c: 290,
      Renewal_Date__c: '2026-05-15',
      WAPU__c: null,
      Active_Users_1d__c: null,
    });
    salesforce.update('Account', ids[1]!, { WAPU__c: 1, Active_Users_1d__c: 0 });
    expect(salesforce.getRecord(ids[1]!)).toMatchObject({ WAPU__c: 1, Active_Users_1d__c: 0 });
  });
});
