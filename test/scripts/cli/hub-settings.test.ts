import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hubSettings, stageFunctionSettings } from '../../../scripts/cli/hub-settings.js';
import type { Target } from '../../../scripts/cli/target.js';

const local = (settings: Record<string, string>): Target => ({
  stage: 'local',
  local: true,
  region: 'us-east-1',
  endpoints: {},
  settings,
});

describe('hubSettings of the local hub', () => {
  it("is npm start's Salesforce sandbox when no Salesforce secret is set, at its configured port", async () => {
    // Act
    const settings = await hubSettings(local({ SANDBOX_SALESFORCE_PORT: '4999', SALESFORCE_DAILY_BUDGET: '500' }));

    // Assert
    expect(settings).toMatchObject({
      SALESFORCE_LOGIN_URL: 'http://127.0.0.1:4999',
      SALESFORCE_CLIENT_ID: expect.any(String),
      SALESFORCE_CLIENT_SECRET: expect.any(String),
      SALESFORCE_DAILY_BUDGET: '500',
    });
  });

  it('is the settings as they are when a Salesforce secret says the org is real', async () => {
    // Arrange
    const real = { SALESFORCE_LOGIN_URL: 'https://acme.my.salesforce.com', SALESFORCE_CLIENT_SECRET_SSM: '/x/secret' };

    // Act
    const settings = await hubSettings(local(real));

    // Assert
    expect(settings).toEqual(real);
  });
});

describe('stageFunctionSettings', () => {
  const asked: string[] = [];
  const environments: Record<string, Record<string, string>> = {
    'switchboard-prod-zendeskReader': { ZENDESK_API_TOKEN_SSM: '/switchboard/prod/zendesk', SHARED: 'reader' },
    'switchboard-prod-salesforceWriter': { SALESFORCE_CLIENT_SECRET_SSM: '/switchboard/prod/sf', SHARED: 'writer' },
  };
  // The Lambda API's GetFunctionConfiguration, on loopback.
  const server = createServer((request, response) => {
    const name = decodeURIComponent(/functions\/([^/]+)\/configuration/.exec(request.url ?? '')?.[1] ?? '');
    asked.push(`${request.method} ${name}`);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ FunctionName: name, Environment: { Variables: environments[name] ?? {} } }));
  });
  const saved = { ...process.env };
  beforeAll(async () => {
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_LAMBDA: `http://127.0.0.1:${port}`,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
  });
  afterAll(async () => {
    process.env = saved;
    await new Promise((done) => server.close(done));
  });

  it("merges the named functions' environments of the stage, a later function's value winning", async () => {
    // Arrange
    const stage: Target = { stage: 'prod', local: false, region: 'eu-west-1', endpoints: {}, settings: {} };

    // Act
    const settings = await stageFunctionSettings(stage, ['zendeskReader', 'salesforceWriter']);

    // Assert
    expect(asked.sort()).toEqual(['GET switchboard-prod-salesforceWriter', 'GET switchboard-prod-zendeskReader']);
    expect(settings).toEqual({
      ZENDESK_API_TOKEN_SSM: '/switchboard/prod/zendesk',
      SALESFORCE_CLIENT_SECRET_SSM: '/switchboard/prod/sf',
      SHARED: 'writer',
    });
  });
});
