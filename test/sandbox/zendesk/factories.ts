import zendesk from 'node-zendesk';
import {
  startZendeskEmulator,
  type UserInput,
  type ZendeskEmulator,
  type ZendeskEmulatorOptions,
  type ZendeskUser,
} from '../../../sandbox/zendesk/index.js';

export const CREDENTIALS = { email: 'agent@test.example', apiToken: 'test-api-token', oauthToken: 'test-oauth-token' };

/** A controllable clock: tests move time instead of sleeping. */
export function fakeClock(startIso = '2024-07-01T12:00:00Z'): { now: () => number; advance: (ms: number) => void } {
  let ms = Date.parse(startIso);
  return { now: () => ms, advance: (by) => (ms += by) };
}

/** An emulator with test credentials and no export lag unless a test asks for one. */
export function startTestEmulator(options: ZendeskEmulatorOptions = {}): Promise<ZendeskEmulator> {
  return startZendeskEmulator({ credentials: CREDENTIALS, exportLagSeconds: 0, ...options });
}

/** The real client, pointed at the emulator. */
export function zendeskClient(
  emulator: ZendeskEmulator,
  token = CREDENTIALS.apiToken,
): ReturnType<typeof zendesk.createClient> {
  return zendesk.createClient({ username: CREDENTIALS.email, token, endpointUri: emulator.apiUrl });
}

export function basicAuth(email = CREDENTIALS.email, token = CREDENTIALS.apiToken): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${email}/token:${token}`).toString('base64')}` };
}

/** A raw authenticated GET against the emulator's API. */
export function apiGet(
  emulator: ZendeskEmulator,
  path: string,
  headers: Record<string, string> = basicAuth(),
): Promise<Response> {
  return fetch(`${emulator.apiUrl}${path}`, { headers });
}

/** A requester with sensible defaults. */
export function addRequester(emulator: ZendeskEmulator, overrides: Partial<UserInput> = {}): ZendeskUser {
  return emulator.addUser({ name: 'Ada Okafor', email: 'ada@customer.example.com', external_id: 'u_1', ...overrides });
}

/** A raw authenticated GET, parsed as JSON of the given shape. */
export async function apiJson<T>(emulator: ZendeskEmulator, path: string): Promise<T> {
  return (await apiGet(emulator, path)).json() as Promise<T>;
}
