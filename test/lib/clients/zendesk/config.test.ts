import { loadZendeskConfig } from '../../../../lib/clients/zendesk/config.js';
import { ConfigError } from '../../../../lib/config.js';

const noSsm = async (): Promise<string | undefined> => undefined;

describe('loadZendeskConfig', () => {
  it('reads the API base, the agent and the token, dropping a trailing slash', async () => {
    const env = {
      ZENDESK_API_URL: 'https://acme.zendesk.com/api/v2/',
      ZENDESK_EMAIL: 'agent@acme.example',
      ZENDESK_API_TOKEN: 'tok',
    };

    await expect(loadZendeskConfig(noSsm, env)).resolves.toEqual({
      apiUrl: 'https://acme.zendesk.com/api/v2',
      email: 'agent@acme.example',
      apiToken: 'tok',
    });
  });

  it('reads the token from SSM when ZENDESK_API_TOKEN_SSM names it', async () => {
    const read = async (path: string): Promise<string | undefined> =>
      path === '/sb/zendesk/token' ? 'from-ssm' : undefined;
    const env = {
      ZENDESK_API_URL: 'http://127.0.0.1:4000/api/v2',
      ZENDESK_EMAIL: 'agent@acme.example',
      ZENDESK_API_TOKEN_SSM: '/sb/zendesk/token',
    };

    await expect(loadZendeskConfig(read, env)).resolves.toMatchObject({ apiToken: 'from-ssm' });
  });

  it('names what is missing or malformed', async () => {
    await expect(loadZendeskConfig(noSsm, { ZENDESK_API_URL: 'https://acme.zendesk.com' })).rejects.toThrow(
      ConfigError,
    );
    await expect(loadZendeskConfig(noSsm, { ZENDESK_API_URL: 'https://acme.zendesk.com' })).rejects.toThrow(
      /ZENDESK_API_URL: .*\/api\/v2.*ZENDESK_EMAIL is not set/,
    );
    await expect(
      loadZendeskConfig(noSsm, {
        ZENDESK_API_URL: 'https://acme.zendesk.com/api/v2',
        ZENDESK_EMAIL: 'agent@acme.example',
      }),
    ).rejects.toThrow('ZENDESK_API_TOKEN (or ZENDESK_API_TOKEN_SSM)');
  });
});
