/**
 * `switchboard sync run|status …`: starts a night of the usage sync and follows it, or shows a run.
 * Against the local hub by default; `--stage <name>` against a deployment (AWS credentials from
 * the usual chain). See docs/usage-sync.md.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SingleBar } from 'cli-progress';
import { DynamoStateStore } from '../lib/clients/state-store.js';
import { runChunkIds, UsageRuns } from '../lib/usage/sync/runs.js';
import { describeRun, runProgress } from '../lib/usage/sync/report.js';
import { parseCommandLine, usageFailure } from './cli/command-line.js';
import { EXIT, isUnreachable } from './cli/exit-codes.js';
import { resolveTarget, resourceName, unreachableHint } from './cli/target.js';

const USAGE = `Usage: switchboard sync run [--as-of <ISO time>] [--force] [--no-wait] [--stage <name>] [--json]
       switchboard sync status [--run <id>] [--stage <name>] [--json]

  run        starts a night of the usage sync (the usage planner) and follows it to the end
             with a progress bar; --no-wait returns once it is planned
  status     the latest run (or --run <id>): phase, chunks, counts, Salesforce failures
  --as-of    the instant the activity windows end at (default now)
  --force    start even though the latest run has not finished
  --stage    a deployed stage instead of the local hub (npm start)
  --json     print the run as JSON

Exit status: 0 the run succeeded, is running, waits for budget, or was not started because
another is running; 1 the run failed; 2 usage error; 3 the hub or the stage could not be reached.
`;

function usageError(message: string): never {
  return usageFailure('sync', USAGE, message);
}

const { values, positionals } = parseCommandLine('sync', USAGE, {
  'as-of': { type: 'string' },
  force: { type: 'boolean' },
  'no-wait': { type: 'boolean' },
  run: { type: 'string' },
  stage: { type: 'string' },
  json: { type: 'boolean' },
});
const [command, ...extra] = positionals;
if (command !== 'run' && command !== 'status') usageError(command ? `unknown command ${command}` : 'no command');
if (extra.length > 0) usageError(`unexpected ${extra.join(' ')}`);
const asOf = values['as-of'] === undefined ? undefined : Date.parse(values['as-of']);
if (asOf !== undefined && Number.isNaN(asOf)) usageError(`--as-of ${values['as-of']} is not a time`);

// The local hub is stage `local`: the Lambda Invoke API on its HTTP port, DynamoDB on its own.
const target = resolveTarget(values.stage);
const runs = new UsageRuns(
  DynamoStateStore.create({
    tableName: resourceName(target, 'state'),
    region: target.region,
    ...(target.endpoints.dynamoDb ? { endpoint: target.endpoints.dynamoDb } : {}),
  }),
);

try {
  process.exitCode = command === 'run' ? await run() : await status();
} catch (error) {
  const unreachable = isUnreachable(error);
  process.stderr.write(`sync: ${unreachable ? unreachableHint(target) : (error as Error).message}\n`);
  process.exitCode = unreachable ? EXIT.unreachable : EXIT.problem;
}

async function run(): Promise<number> {
  const lambda = new LambdaClient({
    region: target.region,
    ...(target.endpoints.lambda ? { endpoint: target.endpoints.lambda } : {}),
  });
  const answer = await lambda.send(
    new InvokeCommand({
      FunctionName: resourceName(target, 'usagePlanner'),
      Payload: Buffer.from(
        JSON.stringify({ asOf: asOf === undefined ? undefined : new Date(asOf).toISOString(), force: values.force }),
      ),
    }),
  );
  const payload = JSON.parse(Buffer.from(answer.Payload ?? []).toString('utf8') || '{}') as {
    runId?: string;
    skipped?: string;
    errorMessage?: string;
  };
  if (answer.FunctionError)
    throw new Error(`the usage planner failed: ${payload.errorMessage ?? answer.FunctionError}`);
  if (payload.skipped) {
    process.stderr.write(`Not started: ${payload.skipped}. Use --force to start another.\n`);
    return 0;
  }
  if (!payload.runId) throw new Error('the usage planner answered without a run id');
  process.stderr.write(`Started run ${payload.runId}.\n`);
  if (values['no-wait']) return 0;
  return follow(payload.runId);
}

async function follow(runId: string): Promise<number> {
  const bar = new SingleBar({
    format: 'sync {bar} {value}/{total} chunks | phase {phase} | {duration_formatted}',
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 10_000,
    stream: process.stderr,
  });
  bar.start(1, 0, { phase: 'read' });
  for (;;) {
    const current = await runs.get(runId);
    if (!current) throw new Error(`run ${runId} is not in the state store`);
    const progress = runProgress(current, await runs.chunks(runId, runChunkIds(current)));
    bar.setTotal(progress.total);
    bar.update(progress.done, { phase: current.status === 'deferred' ? 'write (waiting for budget)' : current.phase });
    if (current.status !== 'running') {
      bar.stop();
      return print(runId);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function status(): Promise<number> {
  const current = values.run ? await runs.get(values.run) : await runs.latest();
  if (!current)
    throw new Error(values.run ? `no run ${values.run}` : 'no run yet: start one with `switchboard sync run`');
  return print(current.runId);
}

async function print(runId: string): Promise<number> {
  const current = await runs.get(runId);
  if (!current) throw new Error(`no run ${runId}`);
  const records = await runs.chunks(runId, runChunkIds(current));
  const described = describeRun(current, records);
  process.stdout.write(values.json ? `${JSON.stringify(described.json, null, 2)}\n` : described.text);
  return current.status === 'failed' ? 1 : 0;
}
