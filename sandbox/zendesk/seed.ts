import { z } from 'zod';
import { seededRandom, type Random } from '../common/random.js';
import { isoSeconds, toEpochSeconds, type TicketPriority, type TicketStatus, type TicketType } from './model.js';
import type { ZendeskStore } from './store.js';

/** How much data `seed()` generates. Same options and seed, same data. */
export const SeedOptions = z.object({
  /** End users (requesters). */
  users: z.number().int().min(0),
  tickets: z.number().int().min(0),
  /** Share (0..1) of end users with an `external_id` (the app's user id); the rest are known by email only. */
  withExternalIdShare: z.number().min(0).max(1).default(0.5),
  /** Agents tickets get assigned to. */
  agents: z.number().int().min(1).default(3),
  /** Organizations the end users are spread across. */
  organizations: z.number().int().min(1).optional(),
  /** Creation times are spread over this fixed range so the data set does not depend on the clock. */
  from: z.iso.datetime().default('2024-01-01T00:00:00Z'),
  to: z.iso.datetime().default('2024-06-30T23:59:59Z'),
  /** Overrides the emulator's seed for this data set. */
  seed: z.number().int().optional(),
});
export type SeedOptions = z.input<typeof SeedOptions>;

export interface SeedSummary {
  users: number;
  agents: number;
  withExternalId: number;
  tickets: number;
  ticketIds: { first: number; last: number } | null;
}

const FIRST_NAMES = [
  'Ada',
  'Ben',
  'Chloe',
  'Dev',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kemi',
  'Liam',
  'Mara',
  'Noor',
];
const LAST_NAMES = [
  'Okafor',
  'Peters',
  'Quinn',
  'Rossi',
  'Sato',
  'Tanaka',
  'Usman',
  'Varga',
  'Weber',
  'Xu',
  'Young',
  'Zhou',
];
const SUBJECTS = [
  'Cannot log in',
  'Invoice question',
  'Export fails',
  'Feature request',
  'Slow dashboard',
  'Password reset',
  'Billing change',
  'API error 500',
];
const TAGS = ['billing', 'login', 'bug', 'enterprise', 'urgent_customer', 'api', 'onboarding', 'churn_risk'];
const ORGANIZATION_ID_BASE = 360_000_000_000;

/** Weighted choices, weights summing to 1, drawn from the seeded random. */
function pick<T>(random: Random, choices: Weighted<T>): T {
  let roll = random.next();
  for (const [value, weight] of choices) {
    roll -= weight;
    if (roll < 0) return value;
  }
  const last = choices[choices.length - 1];
  if (!last) throw new Error('pick needs at least one choice');
  return last[0];
}

/** One of `items`, drawn from the seeded random; `what` names them in the error when there are none. */
function oneOf<T>(random: Random, items: readonly T[], what: string): T {
  const item = items[random.int(0, items.length - 1)];
  if (item === undefined) throw new Error(`Cannot seed without ${what}`);
  return item;
}

type Weighted<T> = readonly (readonly [T, number])[];
const STATUSES: Weighted<TicketStatus> = [
  ['new', 0.1],
  ['open', 0.3],
  ['pending', 0.15],
  ['hold', 0.05],
  ['solved', 0.3],
  ['closed', 0.1],
];
const PRIORITIES: Weighted<TicketPriority | null> = [
  [null, 0.2],
  ['low', 0.2],
  ['normal', 0.4],
  ['high', 0.15],
  ['urgent', 0.05],
];
const TYPES: Weighted<TicketType | null> = [
  [null, 0.2],
  ['question', 0.4],
  ['incident', 0.25],
  ['problem', 0.05],
  ['task', 0.1],
];
const CHANNELS: Weighted<string> = [
  ['web', 0.4],
  ['email', 0.4],
  ['api', 0.1],
  ['chat', 0.1],
];

/**
 * Adds a reproducible data set to the store: agents, end users (a share with `external_id`) and
 * tickets whose requesters, fields and times are drawn from the seeded random.
 */
export function seedStore(store: ZendeskStore, input: SeedOptions, defaultSeed: number): SeedSummary {
  const options = SeedOptions.parse(input);
  const random = seededRandom(options.seed ?? defaultSeed);
  const from = toEpochSeconds(options.from);
  const to = toEpochSeconds(options.to);
  const at = (lo: number): number => random.int(lo, Math.max(lo, to));
  const organizations = options.organizations ?? Math.max(1, Math.ceil(options.users / 25));
  const offset = store.counts().users;

  const agents = Array.from({ length: options.agents }, (_, i) => {
    const n = offset + i + 1;
    return store.addUser({
      name: `Agent ${n}`,
      email: `agent${n}@support.example.com`,
      role: 'agent',
      created_at: isoSeconds(from),
    });
  });
  let withExternalId = 0;
  const requesters = Array.from({ length: options.users }, (_, i) => {
    const n = offset + options.agents + i + 1;
    const first = oneOf(random, FIRST_NAMES, 'first names');
    const last = oneOf(random, LAST_NAMES, 'last names');
    const hasExternalId = random.next() < options.withExternalIdShare;
    if (hasExternalId) withExternalId += 1;
    return store.addUser({
      name: `${first} ${last}`,
      email: `${first}.${last}.${n}@customer.example.com`.toLowerCase(),
      external_id: hasExternalId ? `u_${n}` : null,
      organization_id: ORGANIZATION_ID_BASE + random.int(1, organizations),
      created_at: isoSeconds(at(from)),
    });
  });

  // Tickets are added in change order, so the export's order matches `updated_at`.
  const drafts = Array.from({ length: requesters.length > 0 ? options.tickets : 0 }, () => {
    const createdAt = at(from);
    const status = pick(random, STATUSES);
    return {
      requester: oneOf(random, requesters, 'requesters'),
      subject: oneOf(random, SUBJECTS, 'subjects'),
      status,
      priority: pick(random, PRIORITIES),
      type: pick(random, TYPES),
      channel: pick(random, CHANNELS),
      assignee: status === 'new' ? null : oneOf(random, agents, 'agents').id,
      tags: TAGS.filter(() => random.next() < 0.15),
      createdAt,
      updatedAt: at(createdAt),
    };
  });
  drafts.sort((a, b) => a.updatedAt - b.updatedAt);
  const tickets = drafts.map((d) =>
    store.addTicket({
      subject: d.subject,
      description: `${d.subject}: reported by ${d.requester.name}.`,
      status: d.status,
      priority: d.priority,
      type: d.type,
      requester_id: d.requester.id,
      assignee_id: d.assignee,
      tags: d.tags,
      channel: d.channel,
      created_at: isoSeconds(d.createdAt),
      updated_at: isoSeconds(d.updatedAt),
    }),
  );
  const first = tickets[0];
  const last = tickets.at(-1);
  return {
    users: requesters.length,
    agents: agents.length,
    withExternalId,
    tickets: tickets.length,
    ticketIds: first && last ? { first: first.id, last: last.id } : null,
  };
}
