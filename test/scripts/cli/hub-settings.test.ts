import { hubSettings } from '../../../scripts/cli/hub-settings.js';
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
