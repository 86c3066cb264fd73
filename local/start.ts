/**
 * `npm start [-- --fresh]`: the whole hub on 127.0.0.1, offline. Each external API is its sandbox
 * emulator unless `.env` (or the environment) holds real credentials for it. The queues, the S3
 * buckets and the DynamoDB tables are kept in the data folder across stops and crashes; `--fresh`
 * deletes them first.
 */
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createS3Client } from '../lib/clients/s3.js';
import {
  SANDBOX_SALESFORCE_OUTBOUND_TOKEN,
  SANDBOX_TERMS_WEBHOOK_SECRET,
  startSandbox,
  type SandboxName,
} from '../sandbox/launch.js';
import {
  deleteDynamoDbData,
  deleteQueueData,
  deleteS3Data,
  dynamoDbDataDir,
  localDataDir,
  queueDataDir,
  refuseIfHeld,
  s3DataDir,
} from './data-dir.js';
import shippedMapping from '../config/outbound-mapping.json' with { type: 'json' };
import { seedDemoData, seedUsageExport } from './demo-data.js';
import { localSettings, portSetting } from './env-file.js';
import { startHub, type RunningHub } from './hub.js';
import { RecentRelays } from './console/relays.js';
import { invocationLine } from './invocation-line.js';
import { parseOutboundMapping } from '../lib/outbound/mapping.js';
import { shippedOutboundMessages } from './shipped-outbound-messages.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({ options: { fresh: { type: 'boolean', default: false } } });
const settings = localSettings();
const dataDir = localDataDir(root, settings);
const crashEvery = Number(settings.LOCAL_SLOT_CRASH_EVERY ?? 0);
if (!Number.isInteger(crashEvery) || crashEvery < 0)
  fail('LOCAL_SLOT_CRASH_EVERY must be a whole number of invocations');
const visibility = settings.LOCAL_QUEUE_VISIBILITY_SECONDS
  ? Number(settings.LOCAL_QUEUE_VISIBILITY_SECONDS)
  : undefined;
if (visibility !== undefined && !(Number.isInteger(visibility) && visibility > 0 && visibility <= 43_200))
  fail('LOCAL_QUEUE_VISIBILITY_SECONDS must be a whole number of seconds from 1 to 43200');
try {
  // Before the emulators take their ports, so that a second `npm start` says what is wrong.
  if (flags.fresh) {
    deleteQueueData(dataDir);
    deleteS3Data(dataDir);
    deleteDynamoDbData(dataDir);
  } else refuseIfHeld(queueDataDir(dataDir));
} catch (error) {
  fail(error);
}

/** The credential whose presence means "use the real API". */
const REAL_CREDENTIAL: Record<SandboxName, string[]> = {
  salesforce: ['SALESFORCE_CLIENT_SECRET', 'SALESFORCE_PRIVATE_KEY'],
  mixpanel: ['MIXPANEL_SERVICE_ACCOUNT_SECRET'],
  zendesk: ['ZENDESK_API_TOKEN'],
};
const isReal = (name: SandboxName): boolean => REAL_CREDENTIAL[name].some((key) => Boolean(settings[key]));
const emulated = (['salesforce', 'mixpanel', 'zendesk'] as const).filter((name) => !isReal(name));
const port = (name: string, fallback: number): number => portSetting(settings, name, fallback);

// The emulated org sends its outbound messages to this hub; a hub on a free port (0) gets none.
const hubPort = port('HUB_PORT', 3000);
const outboundUrl = `http://127.0.0.1:${hubPort}/webhooks/salesforce/${SANDBOX_SALESFORCE_OUTBOUND_TOKEN}`;
const sandbox = await startSandbox({
  ...(hubPort > 0 && !settings.OUTBOUND_MAPPING
    ? {
        salesforceOutbound: {
          outboundMessages: shippedOutboundMessages(root, parseOutboundMapping(shippedMapping, 'config'), outboundUrl),
        },
      }
    : {}),
  only: emulated,
  seed: Number(settings.SANDBOX_SEED ?? 1),
  ports: {
    salesforce: port('SANDBOX_SALESFORCE_PORT', 4101),
    mixpanel: port('SANDBOX_MIXPANEL_PORT', 4102),
    zendesk: port('SANDBOX_ZENDESK_PORT', 4103),
  },
}).catch(fail);
const demo = settings.SANDBOX_DEMO_DATA === 'false' ? undefined : seedDemoData(sandbox);
const userSettings = Object.fromEntries(
  Object.entries(settings).filter(
    ([key, value]) =>
      /^(SALESFORCE|MIXPANEL|ZENDESK|TERMS|SWITCHBOARD|POWERTOOLS|UNMATCHED|TICKET)_/.test(key) && value,
  ),
) as Record<string, string>;

const relays = new RecentRelays();
let hub: RunningHub;
try {
  hub = await startHub({
    root,
    port: port('HUB_PORT', 3000),
    sqsPort: port('SQS_PORT', 4566),
    dynamoDbPort: port('DYNAMODB_PORT', 4567),
    queueDataDir: queueDataDir(dataDir),
    s3DataDir: s3DataDir(dataDir),
    dynamoDbDataDir: dynamoDbDataDir(dataDir),
    ...(crashEvery > 0 ? { slotCrashEvery: crashEvery } : {}),
    ...(visibility !== undefined ? { queueVisibilitySeconds: visibility } : {}),
    env: {
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      // The app's terms webhook has no vendor sandbox: a local secret unless .env names one.
      TERMS_WEBHOOK_SECRET: SANDBOX_TERMS_WEBHOOK_SECRET,
      ...userSettings,
      // An emulated API must reach its emulator whatever .env says about it.
      ...sandbox.env,
    },
    onInvocation: (invocation) => {
      relays.add(invocation);
      process.stdout.write(`${invocationLine(invocation)}\n`);
    },
    onInvoke: (line) => process.stdout.write(`${line}\n`),
  });
} catch (error) {
  await sandbox.stop();
  fail(error);
}

// The usage sync's demo night: its Accounts are in the Salesforce emulator; its export goes where
// the planner looks tonight. Only into the emulators: with a real Mixpanel it would make profiles.
const exportBucket = hub.buckets.get('UsageExportBucket');
let usageExport: string | undefined;
if (demo && exportBucket && sandbox.mixpanel) {
  const s3 = createS3Client({ endpoint: hub.sqs.endpoint });
  usageExport = `s3://${exportBucket.name}/${await seedUsageExport(s3, exportBucket.name, demo.usage)}`;
  s3.destroy();
}

// Loaded once the hub has set the functions' settings: the console shares lib/'s logger and metrics with them.
const { startConsole } = await import('./console/index.js');
const consoleUrl = startConsole(hub, sandbox, relays);

// From the process start: loading the modules is part of the wait.
const seconds = (performance.now() / 1000).toFixed(1);
const shown = relative(root, dataDir).startsWith('..') ? dataDir : relative(root, dataDir) || '.';
const kept = hub.kept.waiting + hub.kept.released;
const routes = hub.definition.functions.flatMap((fn) =>
  fn.routes.map((route) => `    ${route.method.padEnd(6)} ${hub.url}${route.path}   (${fn.name})`),
);
const consumers = hub.definition.functions.flatMap((fn) =>
  fn.sqs.map(
    (source) =>
      `    ${fn.name} ← ${source.queueLogicalId} (batch ${source.batchSize}, ` +
      `window ${source.maximumBatchingWindowSeconds} s, concurrency ${source.maximumConcurrency})`,
  ),
);
const tables = [...hub.tables.values()].map((table) => table.name).join(', ') || 'none';
const buckets = [...hub.buckets.values()].map((bucket) => bucket.name).join(', ') || 'none';
/** What a run of the usage sync would change in a real API: said beside it. */
const REAL_USAGE_EFFECT: Partial<Record<SandboxName, string>> = {
  salesforce: '; npm run sync -- run writes usage fields to its Accounts',
  mixpanel: '; npm run sync -- run sets its user and group profiles',
};
const apis = (['salesforce', 'mixpanel', 'zendesk'] as const).map((name) => {
  const emulator = sandbox[name];
  return emulator
    ? `    ${name.padEnd(10)} sandbox ${emulator.url}   ` +
        `state: ${emulator.url}/__sandbox/state   calls: ${emulator.url}/__sandbox/calls`
    : `    ${name.padEnd(10)} REAL API (credentials from .env)${REAL_USAGE_EFFECT[name] ?? ''}`;
});
/** How to run, locally, what AWS runs on a schedule. */
const SCHEDULED_BY_HAND: Record<string, string> = { usagePlanner: 'npm run sync -- run' };
const scheduled = hub.definition.functions.flatMap((fn) =>
  fn.schedules.length > 0
    ? [
        `    ${fn.name} (${fn.schedules.join(', ')} in AWS): ` +
          `${SCHEDULED_BY_HAND[fn.name] ?? 'invoke it through the Lambda Invoke API'}`,
      ]
    : [],
);

process.stdout.write(
  [
    '',
    `Switchboard is running locally (ready in ${seconds} s).`,
    '',
    '  HTTP routes:',
    ...routes,
    '  Queue consumers (each concurrent slot in a worker thread of its own, as a Lambda environment):',
    ...consumers,
    ...(crashEvery > 0
      ? [`    LOCAL_SLOT_CRASH_EVERY=${crashEvery}: a slot's worker dies mid-invocation, every ${crashEvery}th time`]
      : []),
    `  SQS (local): ${hub.sqs.endpoint}   queues: ${hub.sqs.endpoint}/_fauxqs/queues`,
    `    kept in ${shown}/queues across stops and crashes` +
      (kept > 0 ? ` (${kept} messages from the last run)` : '') +
      '; npm start -- --fresh starts with empty queues',
    `  S3 (local, path-style, on the SQS endpoint): ${hub.sqs.endpoint}   buckets: ${buckets}`,
    `    kept in ${shown}/s3 across stops and crashes; npm start -- --fresh starts with empty buckets`,
    `  DynamoDB (local): ${hub.dynamoDb.endpoint}   tables: ${tables}`,
    `    kept in ${shown}/dynamodb across stops and crashes; npm start -- --fresh starts with empty tables`,
    `  Lambda Invoke API: POST ${hub.url}/2015-03-31/functions/switchboard-local-<function>/invocations`,
    '  Scheduled functions (npm start runs no schedule):',
    ...scheduled,
    '  External APIs:',
    ...apis,
    '',
    ...(demo
      ? [
          `  Demo data: ${demo.appUserIds.length} Salesforce Contacts ` +
            `(${demo.appUserIds[0]} … ${demo.appUserIds.at(-1)}, ${demo.emails[0]} …) mirrored as Zendesk users; ` +
            `${demo.pastTickets} past Zendesk tickets.`,
          `  Demo usage night: ${demo.usage.users} app users in ${demo.usage.accounts} accounts; their Accounts ` +
            `(acc_000001 … acc_${String(demo.usage.accounts).padStart(6, '0')}) hold the Contacts above` +
            (usageExport ? `; export in ${usageExport}` : ''),
        ]
      : []),
    `  Webhook secrets (local): Zendesk ${process.env.ZENDESK_WEBHOOK_SECRET ?? '(from .env)'}, ` +
      `terms ${process.env.TERMS_WEBHOOK_SECRET ?? '(from .env)'}`,
    ...(sandbox.mixpanel
      ? [
          `  Mixpanel GDPR OAuth token (sandbox, for switchboard forget): ${sandbox.env.MIXPANEL_GDPR_TOKEN}` +
            ` at ${sandbox.env.MIXPANEL_GDPR_API_URL}`,
        ]
      : []),
    '',
    `  Console: ${consoleUrl}   (each user's timeline beside their Salesforce records, queues, relays, budgets)`,
    '',
    '  Try first:',
    `    curl -s ${hub.url}/health`,
    '    README "Your first ticket through the hub": a signed Zendesk webhook, then the Case and the event.',
    ...(sandbox.zendesk ? ['    npm run backfill:zendesk -- --since 2020-01-01     # relays the past tickets'] : []),
    ...(usageExport ? ['    npm run sync -- run     # the nightly usage sync over the demo export'] : []),
    '',
    'Ctrl-C stops everything.',
    '',
  ].join('\n'),
);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) {
    process.stdout.write('Stopped at once; what the queues had accepted is kept.\n');
    process.exit(130);
  }
  stopping = true;
  process.stdout.write('\nStopping: finishing in-flight batches… (Ctrl-C again to quit at once)\n');
  await hub.stop();
  await sandbox.stop();
  process.stdout.write('Stopped.\n');
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

function fail(error: unknown): never {
  process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
