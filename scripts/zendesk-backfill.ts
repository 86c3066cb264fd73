/**
 * `switchboard backfill zendesk --since 2024-01-01 [--resume | --restart] [--state .switchboard/zendesk-backfill.json]`
 *
 * Relays historical tickets through the hub's own path: Zendesk's incremental cursor export →
 * the zendesk queue (requester look-ups) → Salesforce Cases → Mixpanel events. Resumable: the
 * cursor is saved after every page; run it again (without --since, or with the same one) to
 * continue, or later to catch up. A --since other than the saved export's is refused unless
 * --resume or --restart says which one wins.
 * Settings come from the environment (or `.env`); with none it targets `npm start`'s local hub,
 * at the ports `.env` gives it.
 */
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { SqsQueueGateway } from '../lib/clients/queue-gateway.js';
import { ZendeskClient } from '../lib/clients/zendesk/client.js';
import { loadZendeskConfig } from '../lib/clients/zendesk/config.js';
import { parseEnv, ssmParameterReader } from '../lib/config.js';
import { toQueueMessage } from '../lib/tickets/intents.js';
import { changeFromExport } from '../lib/tickets/backfill/to-change.js';
import { createProgressRenderer } from '../lib/tickets/backfill/progress.js';
import { readState, runBackfill } from '../lib/tickets/backfill/runner.js';
import { BackfillStartError, chooseStart, type StartPlan, type StartRequest } from '../lib/tickets/backfill/start.js';
import { localDataDir } from '../local/data-dir.js';
import { localSettings, portSetting } from '../local/env-file.js';
import { defaultZendeskConfig } from '../sandbox/zendesk/index.js';
import { EXIT, isUnreachable } from './cli/exit-codes.js';
import { stageFunctionSettings } from './cli/hub-settings.js';
import { resolveTarget, unreachableHint } from './cli/target.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fromEnv = localSettings();
// The AWS SDK reads its credentials and region from process.env, `.env` included.
Object.assign(process.env, fromEnv);
const stageArgument = process.argv.indexOf('--stage');
const stageName = stageArgument >= 0 ? process.argv[stageArgument + 1] : undefined;
// A stage's export has its own cursor: it must not resume another stage's.
const stateName = stageName === undefined ? 'zendesk-backfill.json' : `zendesk-backfill-${stageName}.json`;
const defaultState = relative(process.cwd(), join(localDataDir(root, fromEnv), stateName));
const USAGE = `Usage: switchboard backfill zendesk [--since <ISO date>] [--resume | --restart] [--state <file>]
  --since    export the tickets updated since then; required for a first run
  --resume   continue from the cursor saved in --state (the default without --since)
  --restart  replace the saved cursor and start again from --since
  --state    where the cursor is saved (default: zendesk-backfill.json in the local data folder;
             zendesk-backfill-<stage>.json with --stage)
  --stage    relay into a deployed stage: its zendesk queue and the Zendesk its zendeskReader
             reads (settings from that function, the token from SSM; AWS credentials from the
             usual chain)
`;
const refuse = (message: string): never => {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
};
const { values } = parseArgs({
  options: {
    since: { type: 'string' },
    resume: { type: 'boolean', default: false },
    restart: { type: 'boolean', default: false },
    state: { type: 'string', default: defaultState },
    stage: { type: 'string' },
  },
});
if (values.resume && values.restart) refuse('Give --resume or --restart, not both.');
const sinceMs = values.since === undefined ? undefined : Date.parse(values.since);
if (sinceMs !== undefined && Number.isNaN(sinceMs)) refuse(`--since ${values.since} is not a date.`);
const request: StartRequest = {
  ...(sinceMs === undefined ? {} : { startTime: Math.floor(sinceMs / 1000) }),
  ...(values.resume ? { savedCursor: 'resume' } : values.restart ? { savedCursor: 'restart' } : {}),
};
/** Where this run starts, decided before any setting is read or request sent: a refusal costs nothing. */
async function planStart(): Promise<StartPlan> {
  try {
    return chooseStart(await readState(values.state), request, values.state);
  } catch (error) {
    if (!(error instanceof BackfillStartError)) throw error;
    return refuse(error.conflict ? `${error.message}\nRun again with --resume or --restart.` : error.message);
  }
}
const start = await planStart();
process.stderr.write(
  start.cursor === null
    ? `Exporting the tickets updated since ${new Date(start.startTime * 1000).toISOString()}.\n`
    : `Resuming the export saved in ${values.state} (${start.tickets} tickets so far).\n`,
);

// Defaults point at `npm start`: its local SQS and its Zendesk sandbox.
const sqsPort = portSetting(fromEnv, 'SQS_PORT', 4566);
const local = {
  SQS_ENDPOINT: `http://127.0.0.1:${sqsPort}`,
  ZENDESK_QUEUE_URL: `http://sqs.us-east-1.localhost:${sqsPort}/000000000000/switchboard-local-zendesk`,
  ZENDESK_API_URL: `http://127.0.0.1:${portSetting(fromEnv, 'SANDBOX_ZENDESK_PORT', 4103)}/api/v2`,
  ZENDESK_EMAIL: defaultZendeskConfig.credentials.email,
  ZENDESK_API_TOKEN: defaultZendeskConfig.credentials.apiToken,
};
const env = stageName === undefined ? { ...local, ...fromEnv } : await stageSettings(stageName);
const settings = parseEnv({ SQS_ENDPOINT: z.url().optional(), ZENDESK_QUEUE_URL: z.url() }, env);
const zendeskConfig = await loadZendeskConfig(ssmParameterReader, env);
// Without the local hub the export and the enqueue would be retried for minutes: say so at once.
for (const url of [settings.SQS_ENDPOINT, zendeskConfig.apiUrl]) {
  if (url && isLoopback(url) && !(await answers(url))) {
    process.stderr.write(
      `The local hub is not reachable at ${url}: start it with \`npm start\`, then run this again.\n`,
    );
    process.exit(EXIT.unreachable);
  }
}
// A local SQS checks no signature, but the SDK must not go looking for AWS credentials.
if (settings.SQS_ENDPOINT && !process.env.AWS_ACCESS_KEY_ID)
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
const queue = SqsQueueGateway.create({ endpoint: settings.SQS_ENDPOINT });
const abort = new AbortController();
// The export runs in updated_at order: how far the last ticket is between the start and now is how far along it is.
const since = start.startTime === undefined ? undefined : start.startTime * 1000;
let lastUpdatedAt: number | undefined;
const fraction = () =>
  lastUpdatedAt === undefined || since === undefined ? undefined : (lastUpdatedAt - since) / (Date.now() - since);
process.on('SIGINT', () => abort.abort());

const result = await runBackfill({
  zendesk: new ZendeskClient(zendeskConfig),
  stateFile: values.state,
  ...request,
  signal: abort.signal,
  onProgress: createProgressRenderer(process.stderr, Date.now, fraction),
  onPage: async (tickets) => {
    const changes = tickets.map((ticket) => changeFromExport(ticket, zendeskConfig.apiUrl));
    const last = tickets.at(-1);
    if (last) lastUpdatedAt = Date.parse(last.updatedAt);
    await queue.send(
      settings.ZENDESK_QUEUE_URL,
      changes.map((change) => toQueueMessage({ type: 'ticket.resolve-requester', change })),
    );
  },
});
process.stderr.write(
  `\n${result.done ? 'Backfill complete' : 'Backfill stopped'}: ` +
    `${result.tickets} tickets in ${result.pages} pages this run; cursor saved in ${values.state}.\n`,
);

/** The settings the stage's zendeskReader runs with, or exit 3 when the stage cannot be read. */
async function stageSettings(stage: string): Promise<Record<string, string>> {
  const target = resolveTarget(stage);
  try {
    return await stageFunctionSettings(target, ['zendeskReader']);
  } catch (error) {
    process.stderr.write(`${isUnreachable(error) ? unreachableHint(target) : (error as Error).message}\n`);
    return process.exit(EXIT.unreachable);
  }
}

function isLoopback(url: string): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
}

/** Whether anything answers HTTP at the URL within a few seconds (any status will do). */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(3000) });
    return true;
  } catch {
    return false;
  }
}
