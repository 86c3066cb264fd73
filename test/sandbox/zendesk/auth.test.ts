import type { ZendeskEmulator } from '../../../sandbox/zendesk/index.js';
import { CREDENTIALS, addRequester, apiGet, basicAuth, startTestEmulator, zendeskClient } from './factories.js';

describe('Zendesk emulator authentication', () => {
  let emulator: ZendeskEmulator;
  let userId: number;
  beforeAll(async () => {
    emulator = await startTestEmulator();
    userId = addRequester(emulator).id;
  });
  afterAll(async () => emulator.stop());

  it.each([
    ['no Authorization header', {}],
    ['a wrong API token', basicAuth(CREDENTIALS.email, 'wrong')],
    ['another email', basicAuth('someone@else.example', CREDENTIALS.apiToken)],
    [
      'email and password instead of a token',
      { authorization: `Basic ${btoa(`${CREDENTIALS.email}:${CREDENTIALS.apiToken}`)}` },
    ],
    ['a wrong OAuth token', { authorization: 'Bearer nope' }],
  ])('answers 401 in Zendesk shape for %s', async (_, headers) => {
    const res = await apiGet(emulator, `/users/${userId}.json`, headers);

    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "Couldn't authenticate you" });
  });

  it('accepts an API token and an OAuth bearer token', async () => {
    const basic = await apiGet(emulator, `/users/${userId}.json`);
    const bearer = await apiGet(emulator, `/users/${userId}.json`, {
      authorization: `Bearer ${CREDENTIALS.oauthToken}`,
    });

    expect([basic.status, bearer.status]).toEqual([200, 200]);
  });

  it('makes node-zendesk reject a wrong token with its 401 error', async () => {
    const client = zendeskClient(emulator, 'wrong');

    await expect(client.users.show(userId)).rejects.toThrow('Zendesk Error (401): Not Authorized');
  });
});
