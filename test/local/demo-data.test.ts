import { seedDemoData } from '../../local/demo-data.js';
import { accountRecords } from '../../sandbox/app/index.js';
import { startSandbox, type Sandbox } from '../../sandbox/launch.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ only: ['salesforce', 'zendesk'] });
});
afterAll(async () => sandbox.stop());

describe('the demo data of npm start', () => {
  it("inserts each Account once: the usage night's, with the ticket and terms Contacts on the first three", () => {
    const asOf = Date.parse('2026-12-02T07:00:00Z');

    const demo = seedDemoData(sandbox, asOf)!;

    const salesforce = sandbox.salesforce!;
    const accounts = salesforce.records('Account');
    expect(accounts.map((account) => account.App_Account_Id__c)).toEqual(
      accountRecords(demo.usage).map((account) => account.App_Account_Id__c),
    );
    expect(accounts).toHaveLength(8);
    expect(salesforce.findByExternalId('Account', 'App_Account_Id__c', 'acc_000002')).toMatchObject({
      Name: 'Paying Case Inc',
      Plan__c: 'pro',
    });
    const contact = salesforce.findByExternalId('Contact', 'App_User_Id__c', 'u_000005');
    expect(contact?.AccountId).toBe(salesforce.findByExternalId('Account', 'App_Account_Id__c', 'acc_000002')?.Id);
    expect(demo.appUserIds).toHaveLength(12);
    expect(demo.usage).toMatchObject({ users: 60, accounts: 8, asOf, seed: 1 });
  });

  it('gives each Contact product events in an emulated Mixpanel, the oldest a month ago', async () => {
    const all = await startSandbox({ only: ['salesforce', 'zendesk', 'mixpanel'] });
    const now = Date.now();

    try {
      seedDemoData(all, now);

      const events = all.mixpanel!.events('u_000012');
      expect(events.map((event) => event.event)).toEqual(['Signed Up', 'Report Exported', 'Dashboard Viewed']);
      expect(events[0]!.properties.time).toBeLessThan(now - 29 * 24 * 60 * 60 * 1000);
    } finally {
      await all.stop();
    }
  });
});
