import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { salesforceSettings } from './sandbox-settings.js';
import { resourceName, type Target } from './target.js';

/**
 * The settings the target's Salesforce writer runs with. A stage's: that function's environment
 * (its secrets stay in SSM, named by `<SECRET>_SSM`). The local hub's: the environment and `.env`,
 * where Salesforce without a secret is `npm start`'s sandbox of it, as the hub itself decides.
 */
export async function hubSettings(target: Target): Promise<Record<string, string | undefined>> {
  if (!target.local) return stageFunctionSettings(target, ['salesforceWriter']);
  return salesforceSettings(target.settings).env;
}

/**
 * The environments a stage's functions run with, merged in the order given (a later function's
 * value wins): the settings a command must read as those functions do. Secrets stay in SSM, named
 * by `<SECRET>_SSM`; reading them is the loaders' business, with the caller's credentials.
 */
export async function stageFunctionSettings(
  target: Target,
  functions: readonly string[],
): Promise<Record<string, string>> {
  const lambda = new LambdaClient({ region: target.region });
  try {
    const environments = await Promise.all(
      functions.map(async (name) => {
        const answer = await lambda.send(
          new GetFunctionConfigurationCommand({ FunctionName: resourceName(target, name) }),
        );
        return answer.Environment?.Variables ?? {};
      }),
    );
    return Object.assign({}, ...environments) as Record<string, string>;
  } finally {
    lambda.destroy();
  }
}
