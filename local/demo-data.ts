import type { S3Client } from '@aws-sdk/client-s3';
import { seedUsageAccounts, writeUsageExport, type UsageOptions } from '../sandbox/app/index.js';
import type { Sandbox } from '../sandbox/launch.js';

export interface DemoData {
  appUserIds: string[];
  emails: string[];
  pastTickets: number;
  /** The app's usage night whose Accounts the org holds, and whose export `seedUsageExport` writes. */
  usage: UsageOptions;
}

const DAY = 24 * 60 * 60 * 1000;
/** Enough for the hand-checkable cases of docs/sandbox.md (the first three accounts) and a few more. */
const USAGE_USERS = 60;
const USAGE_ACCOUNTS = 8;
const CONTACT_ACCOUNTS = 3;
const CONTACTS_PER_ACCOUNT = 4;
/**
 * What the app itself sends Mixpanel (not through the hub), and how many days ago: a demo user's
 * timeline has product events beside the support and terms events the hub relays.
 */
const PRODUCT_EVENTS: ReadonlyArray<readonly [string, number]> = [
  ['Signed Up', 30],
  ['Report Exported', 3],
  ['Dashboard Viewed', 1],
];

/**
 * Gives `npm start` something to relay: the app's Accounts `acc_000001`…`acc_000008` (those of a
 * small usage night, with plans and seats), Contacts (app users `u_000001`…) on the first three,
 * the same people as Zendesk end users, a week of past tickets for the backfill, and a few product
 * events of theirs in an emulated Mixpanel. The Accounts
 * are inserted once, by the usage night, so the ticket and terms flows and the usage sync share
 * them; the night's own users (`u_0000001`…) are the app emulator's and are not Contacts.
 */
export function seedDemoData(sandbox: Sandbox, now: number = Date.now()): DemoData | undefined {
  const { salesforce, zendesk } = sandbox;
  if (!salesforce || !zendesk) return undefined;
  const usage: UsageOptions = { users: USAGE_USERS, accounts: USAGE_ACCOUNTS, asOf: now, seed: 1 };
  const accountIds = seedUsageAccounts(salesforce, usage);
  const contacts = accountIds.slice(0, CONTACT_ACCOUNTS).flatMap((accountId, a) =>
    Array.from({ length: CONTACTS_PER_ACCOUNT }, (_, c) => {
      const n = String(a * CONTACTS_PER_ACCOUNT + c + 1).padStart(6, '0');
      const contact = { appUserId: `u_${n}`, email: `user${n}@example.com` };
      salesforce.insert('Contact', {
        FirstName: 'Sandbox',
        LastName: `User ${n}`,
        Email: contact.email,
        App_User_Id__c: contact.appUserId,
        AccountId: accountId,
      });
      return contact;
    }),
  );
  sandbox.mixpanel?.seedEvents(
    contacts.flatMap((contact, c) =>
      PRODUCT_EVENTS.map(([event, daysAgo], e) => ({
        event,
        properties: {
          distinct_id: contact.appUserId,
          time: now - daysAgo * DAY + c * 60_000,
          $insert_id: `demo-product-${c + 1}-${e + 1}`,
          source: 'app',
        },
      })),
    ),
  );
  const users = contacts.map((contact, i) =>
    zendesk.addUser({ name: `Demo Customer ${i + 1}`, email: contact.email, external_id: contact.appUserId }),
  );
  const weekAgo = now - 7 * DAY;
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
    usage,
  };
}

/**
 * Writes the demo usage night as the app's export for its UTC date, where the usage planner looks
 * by default (`usage/<date>/`), replacing what an earlier start wrote there.
 * @returns the prefix written
 */
export async function seedUsageExport(s3: S3Client, bucket: string, usage: UsageOptions): Promise<string> {
  const prefix = `usage/${new Date(usage.asOf).toISOString().slice(0, 10)}/`;
  await writeUsageExport(s3, { bucket, prefix, format: 'ndjson', gzip: true, ...usage });
  return prefix;
}
