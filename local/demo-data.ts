import type { Sandbox } from '../sandbox/launch.js';

export interface DemoData {
  appUserIds: string[];
  emails: string[];
  pastTickets: number;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * Gives `npm start` something to relay: a few Salesforce Accounts with Contacts (app users
 * `u_000001`…), the same people as Zendesk end users, and a week of past tickets for the backfill.
 */
export function seedDemoData(sandbox: Sandbox): DemoData | undefined {
  const { salesforce, zendesk } = sandbox;
  if (!salesforce || !zendesk) return undefined;
  const { contacts } = salesforce.seedAccountsWithContacts({ accounts: 3, contactsPerAccount: 4 });
  const users = contacts.map((contact, i) =>
    zendesk.addUser({ name: `Demo Customer ${i + 1}`, email: contact.email, external_id: contact.appUserId }),
  );
  const weekAgo = Date.now() - 7 * DAY;
  users.slice(0, 10).forEach((user, i) => {
    const at = new Date(weekAgo + i * (DAY / 2)).toISOString();
    zendesk.addTicket({
      subject: `Past question ${i + 1}`,
      requester_id: user.id,
      priority: 'normal',
      status: i % 3 === 0 ? 'solved' : 'open',
      tags: ['demo'],
      created_at: at,
      updated_at: at,
    });
  });
  return {
    appUserIds: contacts.map((contact) => contact.appUserId),
    emails: contacts.map((contact) => contact.email),
    pastTickets: 10,
  };
}
