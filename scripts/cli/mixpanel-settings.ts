/**
 * The Mixpanel settings a command uses: the environment and `.env`; for `--stage <name>` the
 * stage's secrets in SSM (the paths serverless.yml gives them) unless the environment names
 * others; and with neither a stage nor a service-account secret, npm start's sandbox of Mixpanel,
 * as npm start itself decides between the real API and its emulator.
 */
import { defaultMixpanelConfig } from '../../sandbox/mixpanel/config.js';
import { portSetting } from '../../local/env-file.js';
import type { Target } from './target.js';

export interface MixpanelSettings {
  env: Record<string, string | undefined>;
  /** npm start's emulator rather than a real project. */
  sandbox: boolean;
}

export function mixpanelSettings(target: Target): MixpanelSettings {
  const settings = target.settings;
  if (!target.local) {
    const ssm = (name: string): string => `/switchboard/${target.stage}/mixpanel/${name}`;
    return {
      sandbox: false,
      env: {
        MIXPANEL_SERVICE_ACCOUNT_SECRET_SSM: ssm('service-account-secret'),
        MIXPANEL_PROJECT_TOKEN_SSM: ssm('project-token'),
        MIXPANEL_GDPR_TOKEN_SSM: ssm('gdpr-token'),
        ...settings,
      },
    };
  }
  if (settings.MIXPANEL_SERVICE_ACCOUNT_SECRET || settings.MIXPANEL_SERVICE_ACCOUNT_SECRET_SSM)
    return { sandbox: false, env: settings };
  const url = `http://127.0.0.1:${portSetting(settings, 'SANDBOX_MIXPANEL_PORT', 4102)}`;
  const account = defaultMixpanelConfig.serviceAccounts[0];
  return {
    sandbox: true,
    env: {
      MIXPANEL_API_URL: url,
      MIXPANEL_GDPR_API_URL: `${url}/api/app`,
      MIXPANEL_PROJECT_ID: defaultMixpanelConfig.projectId,
      MIXPANEL_PROJECT_TOKEN: defaultMixpanelConfig.projectToken,
      MIXPANEL_SERVICE_ACCOUNT: account?.username,
      MIXPANEL_SERVICE_ACCOUNT_SECRET: account?.secret,
      MIXPANEL_GDPR_TOKEN: defaultMixpanelConfig.gdpr.oauthTokens[0],
    },
  };
}
