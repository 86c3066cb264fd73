import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { defaultSalesforceConfig } from '../../sandbox/salesforce/config.js';
import { resourceName, type Target } from './target.js';

/**
 * The settings the target's Salesforce writer runs with. A stage's: that function's environment
 * (its secrets stay in SSM, named by `<SECRET>_SSM`). The local hub's: the environment and `.env`,
 * where Salesforce without a secret is `npm start`'s sandbox of it, as the hub itself decides.
 */
export async function hubSettings(target: Target): Promise<Record<string, string | undefined>> {
  if (!target.local) {
    const lambda = new LambdaClient({ region: target.region });
    try {
      const answer = await lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: resourceName(target, 'salesforceWriter') }),
      );
      return answer.Environment?.Variables ?? {};
    } finally {
      lambda.destroy();
    }
  }
  const settings = target.settings;
  const real = ['SALESFORCE_CLIENT_SECRET', 'SALESFORCE_CLIENT_SECRET_SSM', 'SALESFORCE_PRIVATE_KEY'].some(
    (name) => settings[name],
  );
  if (real) return settings;
  return {
    ...settings,
    SALESFORCE_LOGIN_URL: `http://127.0.0.1:${settings.SANDBOX_SALESFORCE_PORT ?? 4101}`,
    SALESFORCE_CLIENT_ID: String(defaultSalesforceConfig.clientId),
    SALESFORCE_CLIENT_SECRET: String(defaultSalesforceConfig.clientSecret),
  };
}
