/**
 * What a cold start of each function costs before its handler runs: the size of its zip, of the
 * bundle inside, and the time a fresh Node 22 process takes to import that bundle with the
 * function's environment. The service is packaged as for a deployment (`serverless package`).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { functionEnvironment, type LocalResources } from '../local/function-environment.js';
import { readHubDefinition, type FunctionDefinition, type HubDefinition } from '../local/serverless-definition.js';
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
 * unzipped handler bundle and the median of several fresh imports of that bundle.
 */
export async function measureColdStarts(
  options: { progress?: (line: string) => void; imports?: number } = {},
): Promise<ColdStart[]> {
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
    const results: ColdStart[] = [];
    for (const fn of definition.functions) {
      const zip = join(out, `${fn.name}.zip`);
      const dir = join(unzipped, fn.name);
      for (const [name, data] of readZipEntries(zip)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), data);
      }
      const bundle = join(dir, `${fn.module}.mjs`);
      const env = coldStartEnvironment(fn, resources);
      const times: number[] = [];
      for (let i = 0; i < imports; i += 1) times.push(await importOnce(bundle, env));
      const result = {
        name: fn.name,
        zipBytes: statSync(zip).size,
        bundleBytes: statSync(bundle).size,
        importMs: median(times),
      };
      progress(`${fn.name}: ${times.map((ms) => ms.toFixed(0)).join(' ')} ms`);
      results.push(result);
    }
    return results;
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(unzipped, { recursive: true, force: true });
  }
}

/** A dependency alone, in a fresh process: the floor under every function that imports it. */
export interface ImportFloor {
  specifier: string;
  importMs: number;
}

/**
 * The dependencies the stack prescribes, each imported alone (from the repository's node_modules,
 * as the bundles resolve the AWS SDK): what no bundle importing one of them can start under.
 */
export const FLOOR_SPECIFIERS = [
  '@aws-sdk/client-sqs',
  '@aws-sdk/client-dynamodb',
  'zod',
  '@aws-lambda-powertools/logger',
  '@aws-lambda-powertools/metrics',
  'jsforce/lib/connection.js',
] as const;

/** The median fresh-process import time of each specifier, resolved from the repository root. */
export async function measureImportFloors(
  specifiers: readonly string[],
  imports: number = IMPORTS,
): Promise<ImportFloor[]> {
  const floors: ImportFloor[] = [];
  for (const specifier of specifiers) {
    const url = pathToFileURL(createRequire(join(root, 'package.json')).resolve(specifier)).href;
    const times: number[] = [];
    for (let i = 0; i < Math.max(1, imports); i += 1) times.push(await importOnce(url, { PATH: process.env.PATH }));
    floors.push({ specifier, importMs: median(times) });
  }
  return floors;
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
