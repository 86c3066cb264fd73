import { kindOf, listUsers, userView } from '../../../local/console/users.js';
import { startSandbox, type Sandbox } from '../../../sandbox/launch.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ only: ['salesforce', 'mixpanel'] });
});
afterAll(async () => sandbox.stop());

describe('the console user readers', () => {
  it('names the flow of each event', () => {
    expect(kindOf('Support Ticket Created', 'zendesk')).toBe('support');
    expect(kindOf('Terms Accepted', 'app')).toBe('terms');
    expect(kindOf('Deal Won', 'salesforce')).toBe('deals');
    expect(kindOf('Report Exported', undefined)).toBe('product');
  });

  it("shows a user's events newest first beside their Contact, Account and Cases", () => {
    const { contacts } = sandbox.salesforce!.seedAccountsWithContacts({ accounts: 1, contactsPerAccount: 2 });
    const contact = contacts[0]!;
    const caseId = sandbox.salesforce!.insert('Case', { Subject: 'Export fails', ContactId: contact.id });
    sandbox.salesforce!.insert('Case', { Subject: 'Not theirs', ContactId: contacts[1]!.id });
    const day = Date.UTC(2026, 0, 10);
    sandbox.mixpanel!.seedEvents([
      { event: 'Report Exported', properties: { distinct_id: contact.appUserId, time: day, $insert_id: 'a1' } },
      {
        event: 'Support Ticket Created',
        properties: { distinct_id: contact.appUserId, time: day + 1000, $insert_id: 'a2', ticket_id: '7' },
      },
    ]);

    const view = userView(sandbox, contact.appUserId);

    expect(view.mixpanel?.timeline.map((entry) => [entry.event, entry.kind])).toEqual([
      ['Support Ticket Created', 'support'],
      ['Report Exported', 'product'],
    ]);
    expect(view.mixpanel?.timeline[0]?.details).toContainEqual(['ticket_id', '7']);
    expect(view.salesforce?.contact?.Id).toBe(contact.id);
    expect(view.salesforce?.account?.Id).toBe(contact.accountId);
    expect(view.salesforce?.cases.map((c) => c.Id)).toEqual([caseId]);
  });

  it('finds users by id, name or e-mail', () => {
    sandbox.salesforce!.insert('Contact', {
      LastName: 'Finder',
      Email: 'finder@example.com',
      App_User_Id__c: 'u_find',
    });

    expect(listUsers(sandbox, 'FINDER@example').map((user) => user.appUserId)).toEqual(['u_find']);
    expect(listUsers(sandbox, 'u_fi').map((user) => user.name)).toEqual(['Finder']);
    expect(listUsers(sandbox, 'nobody-by-this-name')).toEqual([]);
  });
});
