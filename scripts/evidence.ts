/**
 * `switchboard evidence --email x@y.com | --user-id u_1 [--format text|html] [--out file.html]`
 *
 * The dispute report: every Terms_Acceptance__c of one person with its evidence hash recomputed
 * and its Mixpanel `Terms Accepted` event checked. Settings come from the environment (or `.env`);
 * an API without a secret is read from `npm start`'s sandbox of it. See docs/evidence.md.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadMixpanelExportConfig } from '../lib/clients/mixpanel/config.js';
import { MixpanelExportClient } from '../lib/clients/mixpanel/export.js';
import { SalesforceClient } from '../lib/clients/salesforce/client.js';
import { loadSalesforceConfig } from '../lib/clients/salesforce/config.js';
import { ssmParameterReader } from '../lib/config.js';
import { findAcceptances, renderHtml, renderText, type EvidenceSubject } from '../lib/terms/evidence/index.js';
import { defaultMixpanelConfig } from '../sandbox/mixpanel/config.js';
import { EXIT, isUnreachable } from './cli/exit-codes.js';
import { stageFunctionSettings } from './cli/hub-settings.js';
import { salesforceSettings } from './cli/sandbox-settings.js';
import { resolveTarget, unreachableHint } from './cli/target.js';

const USAGE = `Usage: switchboard evidence (--email <address> | --user-id <id>) [--format text|html] [--out <file>]

Proves who accepted which terms version, when and from which IP: reads every Terms_Acceptance__c
of one person from Salesforce, recomputes each record's evidence hash, and finds its
"Terms Accepted" event in Mixpanel (accepted-at day ± 1).

  --email <address>    the email recorded with the acceptances (Email__c)
  --user-id <id>       the app user id (App_User_Id__c, the Mixpanel distinct_id)
  --format text|html   text (default): a table on stdout; html: a printable one-page document
  --out <file>         write the report there; html without --out writes
                       evidence-<who>-<date>.html in the current folder and prints its path
  --stage <name>       read the org and project a deployed stage uses (its functions' settings,
                       secrets from SSM; AWS credentials from the usual chain)
  -h, --help           this help

Settings: the environment or .env — SALESFORCE_LOGIN_URL, SALESFORCE_CLIENT_ID,
SALESFORCE_CLIENT_SECRET (or _SSM); MIXPANEL_EXPORT_API_URL (default https://data.mixpanel.com,
EU https://data-eu.mixpanel.com), MIXPANEL_PROJECT_ID, MIXPANEL_SERVICE_ACCOUNT,
MIXPANEL_SERVICE_ACCOUNT_SECRET (or _SSM). An API without its secret is read from npm start's
sandbox (Salesforce 127.0.0.1:4101, Mixpanel 127.0.0.1:4102).

Exit status: 0 every acceptance verifies; 1 an acceptance is flagged, none is found, or the
check failed; 2 usage error; 3 Salesforce or Mixpanel could not be reached.
`;

/**
 * A stage's settings: those its Salesforce writer and Mixpanel sender run with (secrets from SSM);
 * MIXPANEL_EXPORT_API_URL from the environment, as no function needs it (EU projects set it).
 */
async function stageSettings(stage: string): Promise<Record<string, string | undefined>> {
  const target = resolveTarget(stage);
  try {
    const settings = await stageFunctionSettings(target, ['salesforceWriter', 'mixpanelSender']);
    return { ...settings, MIXPANEL_EXPORT_API_URL: process.env.MIXPANEL_EXPORT_API_URL };
  } catch (error) {
    process.stderr.write(`evidence: ${isUnreachable(error) ? unreachableHint(target) : (error as Error).message}\n`);
    return process.exit(EXIT.unreachable);
  }
}

function usageError(message: string): never {
  process.stderr.write(`evidence: ${message}\n\n${USAGE}`);
  process.exit(2);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      email: { type: 'string' },
      'user-id': { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      stage: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  }).values;
}
try {
  parsed = parse();
} catch (error) {
  usageError((error as Error).message);
}
if (parsed.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const email = parsed.email?.trim();
const userId = parsed['user-id']?.trim();
if (Boolean(email) === Boolean(userId)) usageError('give exactly one of --email or --user-id');
if (email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(email))
  usageError(`--email ${JSON.stringify(email)} is not an email address`);
const format = parsed.format ?? (parsed.out && /\.html?$/i.test(parsed.out) ? 'html' : 'text');
if (format !== 'text' && format !== 'html') usageError(`--format must be text or html, not ${JSON.stringify(format)}`);
const by: EvidenceSubject = email ? { email: email.toLowerCase() } : { userId: userId ?? '' };

if (existsSync('.env')) process.loadEnvFile('.env');
const env = parsed.stage === undefined ? process.env : await stageSettings(parsed.stage);
// Per API, like npm start: its secret in the settings means the real API; otherwise its sandbox.
const { sandbox: sandboxSalesforce, env: salesforceEnv } = salesforceSettings(env);
const sandboxMixpanel = !env.MIXPANEL_SERVICE_ACCOUNT_SECRET && !env.MIXPANEL_SERVICE_ACCOUNT_SECRET_SSM;
const account = defaultMixpanelConfig.serviceAccounts[0];
const mixpanelEnv = sandboxMixpanel
  ? {
      MIXPANEL_EXPORT_API_URL: `http://127.0.0.1:${env.SANDBOX_MIXPANEL_PORT ?? 4102}`,
      MIXPANEL_PROJECT_ID: defaultMixpanelConfig.projectId,
      MIXPANEL_SERVICE_ACCOUNT: account?.username ?? '',
      MIXPANEL_SERVICE_ACCOUNT_SECRET: account?.secret ?? '',
    }
  : env;

try {
  const salesforceConfig = await loadSalesforceConfig(ssmParameterReader, salesforceEnv);
  const mixpanelConfig = await loadMixpanelExportConfig(ssmParameterReader, mixpanelEnv);
  const mixpanelProject = `${mixpanelConfig.exportApiUrl} project ${mixpanelConfig.projectId}`;
  const sources = {
    salesforce: `${salesforceConfig.loginUrl}${sandboxSalesforce ? ' (sandbox)' : ''}`,
    mixpanel: `${mixpanelProject}${sandboxMixpanel ? ' (sandbox)' : ''}`,
  };
  const report = await findAcceptances({
    salesforce: new SalesforceClient(salesforceConfig),
    mixpanel: new MixpanelExportClient(mixpanelConfig),
    by,
    instanceUrl: salesforceConfig.loginUrl,
    sources,
  });
  const rendered = format === 'html' ? renderHtml(report) : renderText(report);
  // npm runs scripts in the package folder; INIT_CWD is where the person typed the command.
  const here = env.INIT_CWD ?? process.cwd();
  const who = ('email' in by ? by.email : by.userId).replace(/[^A-Za-z0-9@._-]+/g, '_');
  const out = parsed.out ?? (format === 'html' ? `evidence-${who}-${report.generatedAt.slice(0, 10)}.html` : undefined);
  if (out === undefined) {
    process.stdout.write(rendered);
  } else {
    const path = resolve(here, out);
    writeFileSync(path, rendered);
    process.stdout.write(`${path}\n`);
    process.stderr.write(
      `${report.verified ? 'VERIFIED' : 'NOT VERIFIED'}: ` +
        `${report.acceptances.length} acceptance(s) of ${'email' in by ? by.email : by.userId}\n`,
    );
  }
  process.exitCode = report.verified ? 0 : 1;
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  const unreachable = isUnreachable(error) || /token request failed/i.test(message);
  const hint =
    unreachable && (sandboxSalesforce || sandboxMixpanel)
      ? "\n(an API without a configured secret is read from npm start's sandbox: is `npm start` running?)"
      : '';
  process.stderr.write(`evidence: ${message}${hint}\n`);
  process.exitCode = unreachable ? EXIT.unreachable : EXIT.problem;
}
