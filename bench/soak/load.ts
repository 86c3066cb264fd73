import { setTimeout as sleep } from 'node:timers/promises';
import { hmacSignature } from '../../lib/http/signature.js';
import { SANDBOX_TERMS_WEBHOOK_SECRET, SANDBOX_ZENDESK_WEBHOOK_SECRET } from '../../sandbox/launch.js';
import type { SoakOptions } from './options.js';

export interface SoakContact {
  appUserId: string;
  email: string;
}

/** One webhook the soak posts, with the natural key of what it should cause. */
export interface Post {
  route: '/webhooks/zendesk' | '/webhooks/terms';
  body: string;
  key: string;
}

/** What the emulators must hold at the end, by natural key. */
export interface Expectations {
  /** Ticket id → the Mixpanel events its changes must leave, and the Case status it must end in. */
  tickets: Map<string, { events: Set<string>; finalStatus: string }>;
  /** Acceptance ids that must be recorded once, with one `Terms Accepted` event. */
  acceptances: Set<string>;
  /** Acceptance ids posted again with different evidence: each must leave one EVIDENCE_CONFLICT. */
  conflicts: Set<string>;
}

const FIRST_TICKET_ID = 500_001;
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A seeded generator, so a run's mix and order can be replayed. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function ticketBody(id: number, contact: SoakContact, byEmail: boolean, createdMs: number, solvedMs?: number): string {
  return JSON.stringify({
    ticket: {
      id: String(id),
      subject: `Soak ticket ${id}`,
      status: solvedMs === undefined ? 'New' : 'Solved',
      priority: 'Normal',
      type: '',
      via: 'Mail',
      tags: 'soak',
      created_at: iso(createdMs),
      updated_at: iso(solvedMs ?? createdMs),
    },
    requester: { id: '', name: 'Soak Customer', email: contact.email, external_id: byEmail ? '' : contact.appUserId },
  });
}

function acceptanceBody(id: string, contact: SoakContact, ip: string, acceptedMs: number): string {
  return JSON.stringify({
    acceptance_id: id,
    user_id: contact.appUserId,
    email: contact.email,
    account_id: 'acc_000001',
    terms_version: '2026-01',
    accepted_at: iso(acceptedMs),
    ip,
    user_agent: 'switchboard-soak/1.0',
    terms_sha256: 'c'.repeat(64),
  });
}

/**
 * The posts of a run, in order: every ticket's creation interleaved with the acceptances, then
 * the later solved changes, the conflicting acceptances, and replays of earlier posts (some of
 * them older ticket states arriving after newer ones).
 */
export function planLoad(
  options: SoakOptions,
  contacts: readonly SoakContact[],
  now = Date.now(),
): { posts: Post[]; expect: Expectations } {
  const random = lcg(7);
  const contact = (n: number): SoakContact => {
    const found = contacts[n % contacts.length];
    if (!found) throw new Error('The soak needs at least one Contact');
    return found;
  };
  const expect: Expectations = { tickets: new Map(), acceptances: new Set(), conflicts: new Set() };
  const first: Post[] = [];
  const later: Post[] = [];
  const base = now - 50 * 60_000;
  for (let n = 0; n < options.tickets; n += 1) {
    const id = FIRST_TICKET_ID + n;
    const createdMs = base + (n % 1800) * 1000;
    const byEmail = n % 2 === 1;
    first.push({ route: '/webhooks/zendesk', key: String(id), body: ticketBody(id, contact(n), byEmail, createdMs) });
    const solved = random() < options.solvedShare;
    const solvedMs = createdMs + 10 * 60_000;
    if (solved) {
      const body = ticketBody(id, contact(n), byEmail, createdMs, solvedMs);
      later.push({ route: '/webhooks/zendesk', key: String(id), body });
    }
    const events = new Set(['Support Ticket Created', ...(solved ? ['Support Ticket Solved'] : [])]);
    expect.tickets.set(String(id), { events, finalStatus: solved ? 'Closed' : 'New' });
  }
  const acceptances: Post[] = [];
  for (let n = 0; n < options.acceptances; n += 1) {
    const id = `soak-${n}`;
    const acceptedMs = base + (n % 1800) * 1000;
    acceptances.push({
      route: '/webhooks/terms',
      key: id,
      body: acceptanceBody(id, contact(n), '203.0.113.7', acceptedMs),
    });
    expect.acceptances.add(id);
    if (n < options.conflicts) {
      later.push({
        route: '/webhooks/terms',
        key: id,
        body: acceptanceBody(id, contact(n), '198.51.100.9', acceptedMs),
      });
      expect.conflicts.add(id);
    }
  }
  const interleaved = interleave(first, acceptances);
  const replays = interleaved.filter(() => random() < options.replayShare);
  return { posts: [...interleaved, ...later, ...replays], expect };
}

function interleave<T>(a: readonly T[], b: readonly T[]): T[] {
  const out: T[] = [];
  const step = b.length === 0 ? Infinity : Math.max(1, Math.floor(a.length / b.length));
  let j = 0;
  a.forEach((item, i) => {
    out.push(item);
    if ((i + 1) % step === 0 && j < b.length) out.push(b[j++] as T);
  });
  return [...out, ...b.slice(j)];
}

/** Signed headers as Zendesk, and as the app for terms, sign them. */
function headers(post: Post): Record<string, string> {
  if (post.route === '/webhooks/zendesk') {
    const timestamp = iso(Date.now());
    return {
      'content-type': 'application/json',
      'x-zendesk-webhook-signature': hmacSignature(SANDBOX_ZENDESK_WEBHOOK_SECRET, timestamp, post.body),
      'x-zendesk-webhook-signature-timestamp': timestamp,
    };
  }
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    'content-type': 'application/json',
    'x-switchboard-timestamp': timestamp,
    'x-switchboard-signature': hmacSignature(SANDBOX_TERMS_WEBHOOK_SECRET, timestamp, post.body),
  };
}

export interface PostTally {
  sent: number;
  accepted: number;
  refused: Array<{ key: string; status: number; message: string }>;
}

/**
 * Posts one webhook until the hub accepts it, as a sender that redelivers would: a refused
 * connection (the hub is down) or a 5xx is tried again; a 4xx is recorded as refused.
 */
export async function deliver(baseUrl: () => string, post: Post, tally: PostTally, deadline: number): Promise<void> {
  for (let attempt = 0; Date.now() < deadline; attempt += 1) {
    tally.sent += 1;
    const answer = await fetch(`${baseUrl()}${post.route}`, { method: 'POST', headers: headers(post), body: post.body })
      .then(async (response) => ({ status: response.status, text: await response.text() }))
      .catch(() => undefined);
    if (answer?.status === 202) {
      tally.accepted += 1;
      return;
    }
    if (answer && answer.status >= 400 && answer.status < 500) {
      tally.refused.push({ key: post.key, status: answer.status, message: answer.text.slice(0, 200) });
      return;
    }
    await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 5)));
  }
  throw new Error(`Post ${post.key} was not accepted before the deadline`);
}
