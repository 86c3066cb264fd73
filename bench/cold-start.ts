/**
 * What a cold start of each function costs before its handler runs: the size of its zip, of the
 * bundle inside, and the time a fresh Node 22 process takes to import that bundle with the
 * function's environment. The service is packaged as for a deployment (`serverless package`).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Plugin } from 'esbuild';
import { functionEnvironment, type LocalResources } from '../local/function-environment.js';
import { readHubDefinition, type FunctionDefinition, type HubDefinition } from '../local/serverless-definition.js';
import { loadServerlessYaml } from '../local/serverless-variables.js';
import { readZipEntries } from './zip.js';

export interface ColdStart {
  name: string;
  zipBytes: number;
  bundleBytes: number;
  importMs: number;
}

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const NODE = join(root, 'node_modules/node/bin/node');
const STAGE = 'ci';
const REGION = 'us-east-1';
/** Fresh processes per function by default; the median is reported. */
const IMPORTS = 7;
/** Nothing listens there: a client that tried to call out would fail at once, not reach AWS. */
const CLOSED = 'http://127.0.0.1:9';
/**
 * Deployment parameters whose default is empty but which a function needs to start; here they get
 * local placeholder values (no call is made at import).
 */
const REQUIRED_PARAMETERS: Record<string, string> = {
  SALESFORCE_CLIENT_ID: 'cold-start-client',
  SALESFORCE_ORGANIZATION_ID: '00D000000000001',
  MIXPANEL_PROJECT_ID: '1',
  MIXPANEL_SERVICE_ACCOUNT: 'cold-start.account',
  ZENDESK_API_URL: `${CLOSED}/api/v2`,
  ZENDESK_EMAIL: 'cold-start@example.invalid',
};

// Times only the import of the handler module, in a process that has done nothing else.
const IMPORT_SCRIPT =
  'const start = performance.now(); await import(process.argv[1]); ' +
  'process.stdout.write(String(performance.now() - start)); process.exit(0);';

/**
 * Packages the service into a temporary directory, then measures each function's zip, its
 * unzipped handler bundle and the median of several fresh imports of that bundle; with `floors`,
 * those entries' imports too. Imports go in rounds, one of each bundle per round, so that the
 * machine's load drifting during the run weighs on every figure alike.
 */
export async function measureColdStarts(
  options: { progress?: (line: string) => void; imports?: number; floors?: readonly FloorEntry[] } = {},
): Promise<{ functions: ColdStart[]; floors: ImportFloor[] }> {
  const progress = options.progress ?? (() => undefined);
  const imports = Math.max(1, options.imports ?? IMPORTS);
  const out = mkdtempSync(join(tmpdir(), 'switchboard-cold-start-'));
  // Unzipped inside the repository: what the bundle leaves out (the AWS SDK, which Lambda's
  // Node.js runtime provides) resolves from its node_modules, as it does from the runtime's.
  const cache = join(root, 'node_modules/.cache/switchboard');
  mkdirSync(cache, { recursive: true });
  const unzipped = mkdtempSync(join(cache, 'cold-start-'));
  try {
    progress('packaging (serverless package)…');
    await packageService(out);
    const definition = readHubDefinition(join(root, 'serverless.yml'), { stage: STAGE, region: REGION, env: {} });
    const resources = placeholderResources(definition);
    const functions = definition.functions.map((fn) => {
      const zip = join(out, `${fn.name}.zip`);
      const dir = join(unzipped, fn.name);
      for (const [name, data] of readZipEntries(zip)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), data);
      }
      const bundle = join(dir, `${fn.module}.mjs`);
      return { fn, zip, bundle, env: coldStartEnvironment(fn, resources) };
    });
    const floorBundles = await bundleFloors(options.floors ?? [], unzipped);
    const times = await timeInRounds([...functions, ...floorBundles], imports, (round) =>
      progress(`round ${round} of ${imports} done`),
    );
    return {
      functions: functions.map(({ fn, zip, bundle }, index) => ({
        name: fn.name,
        zipBytes: statSync(zip).size,
        bundleBytes: statSync(bundle).size,
        importMs: median(times[index] ?? []),
      })),
      floors: floorBundles.map(({ name }, index) => ({
        name,
        importMs: median(times[functions.length + index] ?? []),
      })),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(unzipped, { recursive: true, force: true });
  }
}

interface ImportTarget {
  bundle: string;
  env: NodeJS.ProcessEnv;
}

/** `rounds` fresh imports of each target, one of each per round: the times by target. */
async function timeInRounds(
  targets: readonly ImportTarget[],
  rounds: number,
  done: (round: number) => void = () => undefined,
): Promise<number[][]> {
  const times = targets.map((): number[] => []);
  for (let round = 1; round <= Math.max(1, rounds); round += 1) {
    for (const [index, target] of targets.entries()) times[index]?.push(await importOnce(target.bundle, target.env));
    done(round);
  }
  return times;
}

/** Each floor entry bundled in `dir`, imported with nothing but `PATH` in its environment. */
async function bundleFloors(
  entries: readonly FloorEntry[],
  dir: string,
): Promise<Array<ImportTarget & { name: string }>> {
  const bundles = [];
  for (const [index, entry] of entries.entries())
    bundles.push({
      name: entry.name,
      bundle: await bundleEntry(entry.source, join(dir, `floor-${index}`)),
      env: { PATH: process.env.PATH },
    });
  return bundles;
}

/** A dependency alone, bundled as the functions are, in a fresh process: the floor under a function that uses it. */
export interface ImportFloor {
  name: string;
  importMs: number;
}

/**
 * A dependency as a function uses it: an ES module that imports it and does what a cold start does
 * with it. `~/` starts a path from the repository root.
 */
export interface FloorEntry {
  name: string;
  source: string;
}

const JSFORCE =
  "export { Connection } from 'jsforce/lib/connection.js';\nexport { OAuth2 } from 'jsforce/lib/oauth2.js';";

/**
 * What every queue consumer's container builds before its own code: the floor under the
 * mixpanelSender and the zendeskReader, and with more clients under the writer and the usage sync.
 */
const CONSUMER = [
  "import { SQSClient, SendMessageBatchCommand, ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';",
  "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
  "import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';",
  "import { Logger } from '@aws-lambda-powertools/logger';",
  "import { Metrics } from '@aws-lambda-powertools/metrics';",
  "import { BatchProcessor } from '@aws-lambda-powertools/batch';",
  "import * as z from '~/lib/zod-mini.js';",
  "export { readSsmParameter } from '~/lib/ssm-parameter.js';",
  'export const sqs = new SQSClient({});',
  'export const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
  "export const logger = new Logger({ serviceName: 'floor' });",
  "export const metrics = new Metrics({ namespace: 'Floor', serviceName: 'floor' });",
  'export { SendMessageBatchCommand, ChangeMessageVisibilityCommand, GetCommand, UpdateCommand, BatchProcessor };',
  "z.object({ url: z.url(), count: z.number().check(z.int(), z.minimum(1)) }).parse({ url: 'https://x.test', count: 1 });",
].join('\n');

/**
 * The dependencies the stack prescribes, each used alone as the hub's code uses it at import (clients
 * built, nothing sent), and bundled with the functions' esbuild settings, so that the SDK, zod and
 * jsforce keep what the functions keep of them. An empty module is the process's own share.
 */
export const FLOOR_ENTRIES: readonly FloorEntry[] = [
  { name: 'an empty module', source: 'export {};' },
  {
    name: 'SQS client (SQSClient, SendMessageBatchCommand)',
    source:
      "import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';\n" +
      'export const sqs = new SQSClient({});\nexport { SendMessageBatchCommand };',
  },
  {
    name: 'SQS client and the SSM GetParameter reader (lib/ssm-parameter.ts)',
    source:
      "import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';\n" +
      "export { readSsmParameter } from '~/lib/ssm-parameter.js';\n" +
      'export const sqs = new SQSClient({});\nexport { SendMessageBatchCommand };',
  },
  {
    name: 'DynamoDB document client',
    source:
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\n" +
      "import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';\n" +
      'export const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));\nexport { GetCommand };',
  },
  {
    name: 'zod/mini (one object schema, parsed)',
    source:
      "import * as z from '~/lib/zod-mini.js';\n" +
      "z.object({ url: z.url(), count: z.number().check(z.int(), z.minimum(1)) }).parse({ url: 'https://x.test', count: 1 });",
  },
  {
    name: 'zod, classic (one object schema, parsed)',
    source:
      "import { z } from 'zod';\n" +
      "z.object({ url: z.url(), count: z.number().int().min(1) }).parse({ url: 'https://x.test', count: 1 });",
  },
  {
    name: 'Powertools Logger and Metrics',
    source:
      "import { Logger } from '@aws-lambda-powertools/logger';\n" +
      "import { Metrics } from '@aws-lambda-powertools/metrics';\n" +
      "export const logger = new Logger({ serviceName: 'floor' });\n" +
      "export const metrics = new Metrics({ namespace: 'Floor', serviceName: 'floor' });",
  },
  {
    name: 'jsforce Connection and OAuth2',
    source: JSFORCE,
  },
  {
    name: "a consumer's dependencies together: SQS, the SSM reader, the DynamoDB document client, Powertools, zod/mini",
    source: CONSUMER,
  },
  { name: 'the same and jsforce (the salesforceWriter has these)', source: `${CONSUMER}\n${JSFORCE}` },
  {
    name: 'the same and S3 (GetObject, ListObjectsV2, PutObject): the usage functions have these',
    source:
      `${CONSUMER}\n${JSFORCE}\n` +
      "import { S3Client, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';\n" +
      'export const s3 = new S3Client({});\nexport { GetObjectCommand, ListObjectsV2Command, PutObjectCommand };',
  },
];

/** The median fresh-process import time of each entry, bundled with serverless.yml's `custom.esbuild` settings. */
export async function measureImportFloors(
  entries: readonly FloorEntry[],
  imports: number = IMPORTS,
): Promise<ImportFloor[]> {
  const cache = join(root, 'node_modules/.cache/switchboard');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'floors-'));
  try {
    const bundles = await bundleFloors(entries, dir);
    const times = await timeInRounds(bundles, imports);
    return bundles.map(({ name }, index) => ({ name, importMs: median(times[index] ?? []) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bundles one entry as serverless-esbuild bundles a handler (`custom.esbuild` in serverless.yml). */
async function bundleEntry(source: string, base: string): Promise<string> {
  const config = loadServerlessYaml(readFileSync(join(root, 'serverless.yml'), 'utf8'), {
    stage: STAGE,
    region: REGION,
    env: {},
  });
  const settings = (config.custom as { esbuild: EsbuildSettings }).esbuild;
  const plugins = (await import(pathToFileURL(join(root, settings.plugins)).href)) as { default: Plugin[] };
  writeFileSync(`${base}.ts`, source.replaceAll("'~/", `'${root}/`));
  const outfile = `${base}.mjs`;
  await build({
    entryPoints: [`${base}.ts`],
    outfile,
    bundle: settings.bundle,
    minify: settings.minify,
    sourcemap: settings.sourcemap,
    keepNames: settings.keepNames,
    target: settings.target,
    platform: settings.platform,
    format: settings.format,
    mainFields: settings.mainFields,
    external: settings.exclude ?? [],
    banner: settings.banner,
    plugins: plugins.default,
    logLevel: 'error',
  });
  return outfile;
}

/** The settings of serverless.yml's `custom.esbuild` that a bundle of a floor entry uses. */
interface EsbuildSettings {
  bundle: boolean;
  minify: boolean;
  sourcemap: boolean;
  keepNames: boolean;
  target: string;
  platform: 'node';
  format: 'esm';
  mainFields?: string[];
  exclude?: string[];
  plugins: string;
  banner: { js: string };
}

async function packageService(out: string): Promise<void> {
  await run(NODE, [join(root, 'node_modules/osls/bin/serverless.js'), 'package', '--stage', STAGE, '--package', out], {
    cwd: root,
    timeout: 300_000,
    env: {
      ...process.env,
      // Offline: no credentials, so nothing can reach an AWS account.
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: 'switchboard-none',
      SLS_TELEMETRY_DISABLED: '1',
    },
  });
}

/** Queues, tables and buckets named as in the stack, with URLs on a closed local port. */
function placeholderResources(definition: HubDefinition): LocalResources {
  const arn = (service: string, name: string) => `arn:aws:${service}:${REGION}:000000000000:${name}`;
  return {
    queues: new Map(
      definition.queues.map((queue) => [
        queue.logicalId,
        { name: queue.name, url: `${CLOSED}/000000000000/${queue.name}`, arn: arn('sqs', queue.name) },
      ]),
    ),
    tables: new Map(
      definition.tables.map((table) => [table.logicalId, { name: table.name, arn: arn('dynamodb', table.name) }]),
    ),
    buckets: new Map(
      definition.buckets.map((bucket) => [bucket.logicalId, { name: bucket.name, arn: `arn:aws:s3:::${bucket.name}` }]),
    ),
  };
}

/**
 * What Lambda gives a starting function: its serverless.yml environment (NODE_OPTIONS included),
 * the runtime's own variables, and each secret directly in the variable its config loader reads
 * first, so no SSM call is made. Every AWS endpoint is a closed local port.
 */
function coldStartEnvironment(fn: FunctionDefinition, resources: LocalResources): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...functionEnvironment([fn], resources) };
  for (const [name, value] of Object.entries(REQUIRED_PARAMETERS)) if (!env[name]) env[name] = value;
  for (const name of Object.keys(env))
    if (name.endsWith('_SSM')) env[name.slice(0, -'_SSM'.length)] = `cold-start-${name.length}`;
  return {
    ...env,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'cold-start',
    AWS_SECRET_ACCESS_KEY: 'cold-start',
    AWS_SESSION_TOKEN: 'cold-start',
    AWS_ENDPOINT_URL: CLOSED,
    SQS_ENDPOINT: CLOSED,
    S3_ENDPOINT: CLOSED,
    DYNAMODB_ENDPOINT: CLOSED,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: `switchboard-${STAGE}-${fn.name}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    TZ: 'UTC',
  };
}

/** Milliseconds a fresh process takes to import `target` (a path or a file URL). */
async function importOnce(target: string, env: NodeJS.ProcessEnv): Promise<number> {
  const url = target.startsWith('file:') ? target : pathToFileURL(target).href;
  const { stdout } = await run(NODE, ['--input-type=module', '-e', IMPORT_SCRIPT, url], {
    env,
    timeout: 60_000,
  });
  const ms = Number(stdout);
  if (stdout === '' || !Number.isFinite(ms)) throw new Error(`importing ${target} printed no time: ${stdout}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const upper = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  const lower = sorted[Math.ceil(sorted.length / 2) - 1] ?? NaN;
  return (lower + upper) / 2;
}
