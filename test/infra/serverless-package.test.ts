import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
/** `{ "Fn::GetAtt": [logicalId, attribute] }`. */
type GetAtt = { 'Fn::GetAtt': [string, string] };
/** The properties these tests read; each resource type carries only its own. */
type Properties = Partial<{
  RedrivePolicy: unknown;
  VisibilityTimeout: number;
  Timeout: number;
  FunctionResponseTypes: string[];
  ScalingConfig: { MaximumConcurrency: number };
  BatchSize: number;
  MaximumBatchingWindowInSeconds: number;
  EventSourceArn: GetAtt;
  FunctionName: GetAtt;
  MetricName: string;
  Dimensions: Array<{ Name: string; Value: GetAtt }>;
}>;
type Resource = { Type: string; Properties: Properties };

describe('osls package (offline, no AWS credentials)', () => {
  const out = mkdtempSync(join(tmpdir(), 'switchboard-package-'));
  let resources: Record<string, Resource>;

  beforeAll(() => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: 'switchboard-none',
      SLS_TELEMETRY_DISABLED: '1',
    };
    const run = spawnSync(
      process.execPath,
      [join(root, 'node_modules/osls/bin/serverless.js'), 'package', '--stage', 'ci', '--package', out],
      { cwd: root, env, encoding: 'utf8', timeout: 240_000 },
    );
    if (run.status !== 0) throw new Error(`serverless package failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
    resources = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')).Resources;
  }, 300_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const ofType = (type: string): Array<[string, Resource]> =>
    Object.entries(resources).filter(([, resource]) => resource.Type === type);

  it('bundles one artifact per function', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const [name] of functions) {
      const artifact = name.replace(/LambdaFunction$/, '');
      expect(existsSync(join(out, `${artifact.charAt(0).toLowerCase()}${artifact.slice(1)}.zip`))).toBe(true);
    }
  });

  it('gives each external API a queue with a dead-letter queue', () => {
    const queues = ofType('AWS::SQS::Queue').map(([name]) => name);
    for (const api of ['Salesforce', 'Mixpanel', 'Zendesk']) {
      expect(queues).toEqual(expect.arrayContaining([`${api}Queue`, `${api}DeadLetterQueue`]));
      expect(resources[`${api}Queue`]?.Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [`${api}DeadLetterQueue`, 'Arn'] },
        maxReceiveCount: expect.any(Number),
      });
    }
  });

  it('gives each consumer partial batch responses, a concurrency cap and queue visibility ≥ 6 × its timeout', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    expect(mappings.length).toBeGreaterThan(0);
    for (const [, mapping] of mappings) {
      const props = mapping.Properties;
      expect(props.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(props.ScalingConfig?.MaximumConcurrency).toBeGreaterThanOrEqual(2);
      expect(props.BatchSize).toBeGreaterThan(0);
      if ((props.BatchSize ?? 0) > 10) expect(props.MaximumBatchingWindowInSeconds).toBeGreaterThanOrEqual(1);
      const queue = resources[props.EventSourceArn!['Fn::GetAtt'][0]]!;
      const fn = resources[props.FunctionName!['Fn::GetAtt'][0]]!;
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout!);
    }
  });

  it('alarms on dead letters and on the age of the oldest message of each queue', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    for (const api of ['Salesforce', 'Mixpanel', 'Zendesk']) {
      const on = (queue: string, metric: string) =>
        alarms.some((alarm) => alarm.MetricName === metric && alarm.Dimensions![0]!.Value['Fn::GetAtt'][0] === queue);
      expect(on(`${api}DeadLetterQueue`, 'ApproximateNumberOfMessagesVisible')).toBe(true);
      expect(on(`${api}Queue`, 'ApproximateAgeOfOldestMessage')).toBe(true);
    }
  });

  it('keeps secrets out of the template and scopes SSM reads to the stage', () => {
    const template = JSON.stringify(resources);
    expect(template).not.toMatch(/sandbox-service-account-secret|SECRET"\s*:\s*"[^"]/);
    expect(template).toContain('parameter/switchboard/ci/*');
  });
});
