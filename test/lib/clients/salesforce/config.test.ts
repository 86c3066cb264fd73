import { jest } from '@jest/globals';
import { loadSalesforceConfig } from '../../../../lib/clients/salesforce/config.js';
import type { ParameterReader } from '../../../../lib/config.js';

const noSsm: ParameterReader = async () => undefined;
const env = {
  SALESFORCE_LOGIN_URL: 'https://acme.my.salesforce.com/',
  SALESFORCE_CLIENT_ID: '3MVG9.key',
  SALESFORCE_CLIENT_SECRET: 's3cret',
};

describe('loadSalesforceConfig', () => {
  it('reads the settings with their defaults', async () => {
    await expect(loadSalesforceConfig(noSsm, env)).resolves.toEqual({
      loginUrl: 'https://acme.my.salesforce.com',
      clientId: '3MVG9.key',
      clientSecret: 's3cret',
      apiVersion: '62.0',
      budgetGuardPercent: 80,
      dailyBudget: undefined,
      budgetWaitSeconds: 3600,
      budgetProbeSeconds: 900,
      collectionsPerCall: 5,
    });
  });

  it('reads the budget settings', async () => {
    const config = await loadSalesforceConfig(noSsm, {
      ...env,
      SALESFORCE_DAILY_BUDGET: '50000',
      SALESFORCE_BUDGET_WAIT_SECONDS: '7200',
      SALESFORCE_BUDGET_PROBE_SECONDS: '600',
    });

    expect(config).toMatchObject({ dailyBudget: 50_000, budgetWaitSeconds: 7200, budgetProbeSeconds: 600 });
  });

  it('refuses a budget wait whose deliveries would not outlast the rolling 24 hours', async () => {
    const short = loadSalesforceConfig(noSsm, { ...env, SALESFORCE_BUDGET_WAIT_SECONDS: '900' });
    const fewer = loadSalesforceConfig(noSsm, { ...env, MAX_RECEIVE_COUNT: '10' });

    await expect(short).rejects.toThrow(/SALESFORCE_BUDGET_WAIT_SECONDS \(900\) × MAX_RECEIVE_COUNT \(25\)/);
    await expect(fewer).rejects.toThrow(/less than Salesforce's rolling 24 h/);
  });

  it('names a malformed daily budget', async () => {
    await expect(loadSalesforceConfig(noSsm, { ...env, SALESFORCE_DAILY_BUDGET: 'lots' })).rejects.toThrow(
      /SALESFORCE_DAILY_BUDGET/,
    );
  });

  it('names a missing client id', async () => {
    const { SALESFORCE_CLIENT_ID: _omitted, ...rest } = env;

    await expect(loadSalesforceConfig(noSsm, rest)).rejects.toThrow(/SALESFORCE_CLIENT_ID is not set/);
  });

  it('reads the secret from SSM when only its parameter path is set', async () => {
    const readParameter = jest.fn<ParameterReader>(async (name) =>
      name === '/switchboard/sf-secret' ? 'from-ssm' : undefined,
    );
    const { SALESFORCE_CLIENT_SECRET: _omitted, ...rest } = env;

    const config = await loadSalesforceConfig(readParameter, {
      ...rest,
      SALESFORCE_CLIENT_SECRET_SSM: '/switchboard/sf-secret',
      SALESFORCE_API_VERSION: '61.0',
      SALESFORCE_BUDGET_GUARD_PERCENT: '90',
    });

    expect(config).toMatchObject({ clientSecret: 'from-ssm', apiVersion: '61.0', budgetGuardPercent: 90 });
    expect(readParameter).toHaveBeenCalledWith('/switchboard/sf-secret');
  });

  it('refuses a malformed API version and a missing secret', async () => {
    await expect(loadSalesforceConfig(noSsm, { ...env, SALESFORCE_API_VERSION: 'v62' })).rejects.toThrow(
      /SALESFORCE_API_VERSION/,
    );
    const { SALESFORCE_CLIENT_SECRET: _omitted, ...rest } = env;
    await expect(loadSalesforceConfig(noSsm, rest)).rejects.toThrow(/SALESFORCE_CLIENT_SECRET/);
  });
});
