/**
 * `switchboard dry-run <payload file> [--route zendesk|terms|outbound] [--json]`: which Salesforce
 * and Mixpanel writes a webhook payload would cause, planned by the flows' own code, with
 * read-only calls only. Settings as the functions take them (the environment, or `.env`); an API
 * without its secret is read from npm start's sandbox of it.
 */
import { ConfigError } from '../lib/config.js';
import { localSettings } from '../local/env-file.js';
import { parseCommandLine, usageFailure } from './cli/command-line.js';
import { EXIT, isUnreachable } from './cli/exit-codes.js';
import { stageFunctionSettings } from './cli/hub-settings.js';
import { resolveTarget, unreachableHint } from './cli/target.js';
import { planOutbound } from './cli/dry-run/outbound.js';
import { jsonBody, readPayload, refusalOf, UnusableInput } from './cli/dry-run/payload.js';
import { ROUTES, type DryRunPlan, type Route } from './cli/dry-run/plan.js';
import { renderPlan } from './cli/dry-run/render.js';
import { dryRunDeps } from './cli/dry-run/settings.js';
import { planTerms } from './cli/dry-run/terms.js';
import { planTicket } from './cli/dry-run/tickets.js';

const USAGE = `Usage: switchboard dry-run <payload file> [--route zendesk|terms|outbound] [--stage <name>] [--json]

Prints the Salesforce records and Mixpanel events and profile updates a webhook payload would
cause, without writing anything: a Zendesk ticket webhook body, a terms acceptance body, or a
Salesforce Outbound Message (SOAP XML). Only reads: the Case or evidence record already held,
the requester's Contact, a Zendesk requester, an account's users.

  --route   which webhook the payload is for (default: told from the payload)
  --stage   plan as a deployed stage would: the settings of its zendeskReader, salesforceWriter
            and salesforceOutbound functions (their secrets read from SSM), AWS credentials and
            region from the usual chain
  --json    print the plan as JSON
  -h, --help  this help

Settings without --stage: the environment or .env, as the functions read them (SALESFORCE_*,
ZENDESK_*, TICKET_CASE_MAPPING, UNMATCHED_REQUESTER_POLICY, OUTBOUND_MAPPING,
SALESFORCE_ORGANIZATION_ID). An API without its secret is read from npm start's sandbox
(SANDBOX_SALESFORCE_PORT, default 4101; SANDBOX_ZENDESK_PORT, 4103). The webhook's signature
or token is not checked.

Exit status: 0 the webhook would accept the payload; 1 it would refuse it (its answer is
printed), or the plan failed; 2 usage error or an unusable payload file; 3 an API or a setting
is missing.
`;

/** The functions whose settings a webhook's writes depend on: requester look-up, Case and evidence writes, mapping. */
const STAGE_FUNCTIONS = ['zendeskReader', 'salesforceWriter', 'salesforceOutbound'];

function usageError(message: string): never {
  return usageFailure('dry-run', USAGE, message);
}

const { values, positionals } = parseCommandLine('dry-run', USAGE, {
  route: { type: 'string' },
  stage: { type: 'string' },
  json: { type: 'boolean' },
});
if (positionals.length !== 1) usageError(positionals.length === 0 ? 'no payload file' : 'give one payload file');
const given = values.route;
if (given !== undefined && !(ROUTES as readonly string[]).includes(given))
  usageError(`--route must be one of ${ROUTES.join(', ')}, not ${JSON.stringify(given)}`);

let route: Route | undefined;
try {
  const payload = readPayload(positionals[0] ?? '', given as Route | undefined);
  route = payload.route;
  const deps = await dryRunDeps(
    values.stage === undefined
      ? localSettings()
      : await stageFunctionSettings(resolveTarget(values.stage), STAGE_FUNCTIONS),
  );
  const plan: DryRunPlan =
    route === 'outbound'
      ? await planOutbound(payload.text, deps)
      : route === 'terms'
        ? await planTerms(jsonBody(payload.text), deps)
        : await planTicket(jsonBody(payload.text), deps);
  process.stdout.write(values.json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlan(plan, deps.sources));
  process.exitCode = EXIT.ok;
} catch (error) {
  const refusal = route && refusalOf(route, error);
  if (refusal) {
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ route, refused: refusal }, null, 2)}\n`
        : `The webhook would refuse this payload: ${refusal.status} ${refusal.message}\n`,
    );
    process.exitCode = EXIT.problem;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    const stageUnreachable = values.stage !== undefined && isUnreachable(error);
    process.stderr.write(`dry-run: ${stageUnreachable ? unreachableHint(resolveTarget(values.stage)) : message}\n`);
    process.exitCode =
      error instanceof UnusableInput
        ? EXIT.usage
        : isUnreachable(error) || error instanceof ConfigError || /token request failed/i.test(message)
          ? EXIT.unreachable
          : EXIT.problem;
  }
}
