import { seededRandom, type Random } from '../common/random.js';
import type { SalesforceAccessors } from '../salesforce/programmatic.js';
import { accountId, DAY_MS, hash, pick, population, type UsageOptions } from './population.js';

export type Plan = 'trial' | 'free' | 'starter' | 'pro' | 'enterprise';

/**
 * An Account as the app's accounts appear in Salesforce. There is no text field for the account
 * owner's email on Account (the owner is a User lookup), so the owner is left out.
 */
export type UsageAccountRecord = {
  App_Account_Id__c: string;
  Name: string;
  Plan__c: Plan;
  /** 0 on trial and free: nothing is bought. */
  Seats_Purchased__c: number;
  MRR__c: number;
  /** `YYYY-MM-DD`; the trial's end on trial, none on free. */
  Renewal_Date__c: string | null;
};

// Monthly list price per seat, and the largest discount a deal gets.
const PRICING: Record<Plan, { perSeat: number; maxDiscount: number }> = {
  trial: { perSeat: 0, maxDiscount: 0 },
  free: { perSeat: 0, maxDiscount: 0 },
  starter: { perSeat: 12, maxDiscount: 0 },
  pro: { perSeat: 29, maxDiscount: 0.1 },
  enterprise: { perSeat: 49, maxDiscount: 0.3 },
};

// Plan shares by account size: small accounts try and stay free, large ones buy enterprise.
const PLANS_BY_SIZE: Array<[minUsers: number, shares: Partial<Record<Plan, number>>]> = [
  [500, { enterprise: 0.85, pro: 0.15 }],
  [50, { enterprise: 0.25, pro: 0.5, starter: 0.2, free: 0.05 }],
  [6, { pro: 0.3, starter: 0.35, free: 0.2, trial: 0.15 }],
  [1, { pro: 0.05, starter: 0.2, free: 0.45, trial: 0.3 }],
];

const ADJECTIVES = ['Blue', 'Bright', 'Northern', 'Quiet', 'Rapid', 'Silver', 'Solid', 'Summit', 'True', 'Wild'];
const NOUNS = ['Analytics', 'Bakery', 'Robotics', 'Logistics', 'Studio', 'Health', 'Labs', 'Foods', 'Energy', 'Works'];
const SUFFIXES = ['Inc', 'Ltd', 'GmbH', 'LLC', 'SA', 'BV'];

/**
 * The Salesforce Accounts of a generated night's accounts, in account id order: plan by account
 * size, seats bought mostly at or above the users (a tenth of paying accounts use more than they
 * bought), MRR from seats and plan, a renewal date after `asOf`. They do not depend on
 * `changedShare`: every night of a seed has the same accounts.
 */
export function accountRecords(options: UsageOptions): UsageAccountRecord[] {
  const pop = population(options);
  const day = Math.floor(pop.options.asOf / DAY_MS) * DAY_MS;
  const date = (days: number) => new Date(day + days * DAY_MS).toISOString().slice(0, 10);
  const records: UsageAccountRecord[] = [];
  if (pop.cases) {
    records.push(
      { ...named(1, 'Trial Case Ltd', 'trial'), Seats_Purchased__c: 0, MRR__c: 0, Renewal_Date__c: date(10) },
      { ...named(2, 'Paying Case Inc', 'pro'), Seats_Purchased__c: 10, MRR__c: 290, Renewal_Date__c: date(120) },
      { ...named(3, 'Mover Case GmbH', 'starter'), Seats_Purchased__c: 3, MRR__c: 36, Renewal_Date__c: date(200) },
    );
  }
  for (let j = 0; j < pop.generalAccounts; j += 1) {
    const random = seededRandom(hash(pop.options.seed, -1 - j));
    const users = (pop.starts[j + 1] ?? 0) - (pop.starts[j] ?? 0);
    const plan = planFor(users, random);
    const name = `${pick(ADJECTIVES, random)} ${pick(NOUNS, random)} ${pick(SUFFIXES, random)}`;
    const seats = plan === 'trial' || plan === 'free' ? 0 : seatsFor(users, random);
    const { perSeat, maxDiscount } = PRICING[plan];
    const mrr = Math.round(seats * perSeat * (1 - random.next() * maxDiscount) * 100) / 100;
    const renewal = plan === 'free' ? null : date(plan === 'trial' ? random.int(1, 30) : random.int(1, 365));
    records.push({
      ...named(pop.firstAccount + j, name, plan),
      Seats_Purchased__c: seats,
      MRR__c: mrr,
      Renewal_Date__c: renewal,
    });
  }
  return records;
}

// Salesforce's own guidance for bulk loads is batches in the thousands; the emulator has no limit,
// but rows are handed over in slices so a large seed never builds one huge argument.
const INSERT_SLICE = 10_000;

/**
 * Inserts the night's Accounts into the Salesforce emulator (no API budget spent), returning
 * their Salesforce ids in account id order.
 */
export function seedUsageAccounts(salesforce: SalesforceAccessors, options: UsageOptions): string[] {
  const records = accountRecords(options);
  const ids: string[] = [];
  for (let i = 0; i < records.length; i += INSERT_SLICE)
    ids.push(...salesforce.insertMany('Account', records.slice(i, i + INSERT_SLICE)));
  return ids;
}

function named(
  n: number,
  name: string,
  plan: Plan,
): Pick<UsageAccountRecord, 'App_Account_Id__c' | 'Name' | 'Plan__c'> {
  return { App_Account_Id__c: accountId(n), Name: name, Plan__c: plan };
}

function planFor(users: number, random: Random): Plan {
  const shares = PLANS_BY_SIZE.find(([minUsers]) => users >= minUsers)?.[1] ?? {};
  let draw = random.next();
  for (const [plan, share] of Object.entries(shares) as Array<[Plan, number]>) {
    if (draw < share) return plan;
    draw -= share;
  }
  return 'free';
}

/** Mostly at or above the users, rounded up to fives on larger accounts; a tenth of accounts over-use. */
function seatsFor(users: number, random: Random): number {
  if (random.next() < 0.1) return Math.max(1, users - 1 - Math.floor(random.next() * users * 0.1));
  const seats = users + Math.ceil(random.next() * users * 0.3);
  return seats > 10 ? Math.ceil(seats / 5) * 5 : seats;
}
