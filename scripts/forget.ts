/**
 * `switchboard forget --user-id <id> … [--yes]` and `switchboard forget status <tracking id>`: a
 * data subject's deletion in Mixpanel (lib/privacy/forget.ts). Salesforce is never touched.
 */
import { loadMixpanelConfig, loadMixpanelGdprConfig } from '../lib/clients/mixpanel/config.js';
import { MixpanelClient } from '../lib/clients/mixpanel/client.js';
import { MixpanelGdprClient } from '../lib/clients/mixpanel/gdpr.js';
import { ConfigError, ssmParameterReader } from '../lib/config.js';
import { forgetUsers, isFinished, MAX_DELETION_IDS } from '../lib/privacy/forget.js';
import { parseCommandLine, usageFailure } from './cli/command-line.js';
import { confirm } from './cli/confirm.js';
import { EXIT, isUnreachable } from './cli/exit-codes.js';
import { forgetJson, forgetText, statusText } from './cli/forget-output.js';
import { mixpanelSettings } from './cli/mixpanel-settings.js';
import { resolveTarget } from './cli/target.js';

const USAGE = `Usage: switchboard forget --user-id <id> [--user-id <id> …] [--compliance-type gdpr|ccpa] [--yes]
       switchboard forget status <tracking id>
       (both take [--stage <name>] [--json])

Deletes people's data from Mixpanel: files a GDPR (or CCPA) deletion task for their events and
deletes their profiles at once. Irreversible: asks first on a terminal; elsewhere needs --yes.
Salesforce is not touched: it is the system of record, and its Terms_Acceptance__c records are
kept as the legal record of the terms each person accepted.

  --user-id <id>        an app user id (the Mixpanel distinct_id); up to ${MAX_DELETION_IDS} per request
  --compliance-type     gdpr (default) or ccpa
  --yes                 do not ask
  status <tracking id>  the state of a deletion task: PENDING … SUCCESS
  --stage <name>        a deployed stage's Mixpanel settings instead of the local hub's
  --json                print the result as JSON

Settings: MIXPANEL_API_URL, MIXPANEL_GDPR_API_URL (default https://mixpanel.com/api/app, EU
https://eu.mixpanel.com/api/app), MIXPANEL_PROJECT_ID, MIXPANEL_SERVICE_ACCOUNT, and the secrets
MIXPANEL_SERVICE_ACCOUNT_SECRET, MIXPANEL_PROJECT_TOKEN, MIXPANEL_GDPR_TOKEN (or _SSM; with --stage
/switchboard/<stage>/mixpanel/…). Without a service-account secret: npm start's Mixpanel sandbox.

Exit status: 0 filed and every profile deleted, or the task succeeded or is in progress; 1 Mixpanel
refused, a profile was not deleted, or the task failed; 2 usage error or not confirmed; 3 Mixpanel
could not be reached or settings are missing.
`;

function usageError(message: string): never {
  return usageFailure('forget', USAGE, message);
}

const { values, positionals } = parseCommandLine('forget', USAGE, {
  'user-id': { type: 'string', multiple: true },
  'compliance-type': { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  stage: { type: 'string' },
  json: { type: 'boolean' },
});
const userIds = (values['user-id'] ?? []).map((id) => id.trim());
const [subcommand, trackingId, ...extra] = positionals;
if (subcommand !== undefined && subcommand !== 'status') usageError(`unexpected ${subcommand}`);
if (subcommand === 'status' && (!trackingId || extra.length > 0 || userIds.length > 0))
  usageError('status takes one tracking id and no --user-id');
if (subcommand === undefined && userIds.length === 0) usageError('give --user-id (or status <tracking id>)');
if (userIds.some((id) => id === '')) usageError('--user-id must not be empty');
if (new Set(userIds).size > MAX_DELETION_IDS) usageError(`at most ${MAX_DELETION_IDS} --user-id per request`);
const complianceType = (values['compliance-type'] ?? 'gdpr').toUpperCase();
if (complianceType !== 'GDPR' && complianceType !== 'CCPA') usageError('--compliance-type must be gdpr or ccpa');

const target = resolveTarget(values.stage);
const { env, sandbox } = mixpanelSettings(target);
try {
  const gdprConfig = await loadMixpanelGdprConfig(ssmParameterReader, env);
  const mixpanel = `${gdprConfig.gdprApiUrl}${sandbox ? ', sandbox' : ''}`;
  const gdpr = new MixpanelGdprClient(gdprConfig);
  if (subcommand === 'status') {
    const task = await gdpr.deletionStatus(trackingId ?? '');
    process.stdout.write(values.json ? `${JSON.stringify(task, null, 2)}\n` : statusText(task));
    process.exitCode = task.status === 'SUCCESS' || !isFinished(task) ? EXIT.ok : EXIT.problem;
  } else {
    if (!values.yes && !process.stdin.isTTY) {
      process.stderr.write('forget: deletion is irreversible; without a terminal to confirm on, pass --yes.\n');
      process.exit(EXIT.usage);
    }
    const question = `Delete ${userIds.length} user(s) from Mixpanel (${mixpanel}) for good?`;
    if (!values.yes && !(await confirm(question))) {
      process.stderr.write('forget: not confirmed; nothing was deleted.\n');
      process.exit(EXIT.usage);
    }
    const profiles = new MixpanelClient(await loadMixpanelConfig(ssmParameterReader, env));
    const outcome = await forgetUsers({ profiles, gdpr }, userIds, complianceType);
    process.stdout.write(values.json ? forgetJson(outcome, mixpanel) : forgetText(outcome, mixpanel));
    process.exitCode = outcome.profileFailures.length > 0 ? EXIT.problem : EXIT.ok;
  }
} catch (error) {
  const unreachable = isUnreachable(error) || error instanceof ConfigError;
  const hint =
    unreachable && sandbox
      ? "\n(no Mixpanel secret is configured, so this used npm start's sandbox: is `npm start` running?)"
      : '';
  process.stderr.write(`forget: ${(error as Error).message}${hint}\n`);
  process.exitCode = unreachable ? EXIT.unreachable : EXIT.problem;
}
