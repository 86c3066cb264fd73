import { gzipSync } from 'node:zlib';
import {
  startMixpanelEmulator,
  type MixpanelEmulator,
  type MixpanelEmulatorOptions,
} from '../../../sandbox/mixpanel/index.js';

/** The fixed "now" of the fake clock the tests run on (epoch ms). */
export const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
export const NOW_SECONDS = NOW / 1000;

/** A fake clock the test can move; the emulator reads it for time checks, Last Seen and rate windows. */
export function fakeClock(start = NOW): { now: () => number; advance: (ms: number) => void } {
  let current = start;
  return { now: () => current, advance: (ms) => (current += ms) };
}

/** Starts the emulator on a free loopback port with the fake clock unless told otherwise. */
export function startMixpanel(options: MixpanelEmulatorOptions = {}): Promise<MixpanelEmulator> {
  return startMixpanelEmulator({ clock: fakeClock().now, ...options });
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export function tokenAuth(mp: MixpanelEmulator): string {
  return basic(mp.config.projectToken, '');
}

export function serviceAccountAuth(mp: MixpanelEmulator): string {
  const account = mp.config.serviceAccounts[0];
  if (!account) throw new Error('no service account configured');
  return basic(account.username, account.secret);
}

export interface TestEvent {
  event: string;
  properties: Record<string, unknown>;
}

let sequence = 0;

/** A valid `/import` event; each call gets a fresh `$insert_id`. */
export function anEvent(overrides: Record<string, unknown> = {}, name = 'Terms Accepted'): TestEvent {
  sequence += 1;
  return {
    event: name,
    properties: { time: NOW_SECONDS - 60, distinct_id: 'u_1', $insert_id: `ins-${sequence}`, ...overrides },
  };
}

export interface ImportCall {
  query?: string;
  auth?: string;
  contentType?: string;
  gzip?: boolean;
}

/** Posts events to `/import` as a JSON array, token-authenticated and strict by default. */
export function postImport(mp: MixpanelEmulator, events: unknown[] | string, call: ImportCall = {}): Promise<Response> {
  const text = typeof events === 'string' ? events : JSON.stringify(events);
  const headers: Record<string, string> = { 'content-type': call.contentType ?? 'application/json' };
  const auth = call.auth ?? tokenAuth(mp);
  if (auth) headers.authorization = auth;
  if (call.gzip) headers['content-encoding'] = 'gzip';
  return fetch(`${mp.url}/import?${call.query ?? 'strict=1'}`, {
    method: 'POST',
    headers,
    body: call.gzip ? gzipSync(text) : text,
  });
}

/** Posts profile (`/engage`) or group (`/groups`) updates as a JSON body. */
export function postUpdates(
  mp: MixpanelEmulator,
  path: '/engage' | '/groups',
  updates: unknown,
  query = '',
): Promise<Response> {
  return fetch(`${mp.url}${path}${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(updates),
  });
}

/** A user-profile update carrying the project's token. */
export function userUpdate(
  mp: MixpanelEmulator,
  distinctId: string,
  operation: Record<string, unknown>,
): Record<string, unknown> {
  return { $token: mp.config.projectToken, $distinct_id: distinctId, ...operation };
}

/** A group-profile update carrying the project's token. */
export function groupUpdate(
  mp: MixpanelEmulator,
  groupKey: string,
  groupId: string,
  operation: Record<string, unknown>,
): Record<string, unknown> {
  return { $token: mp.config.projectToken, $group_key: groupKey, $group_id: groupId, ...operation };
}
