import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { readZipEntries } from '../../bench/zip.js';
import { loadServerlessYaml } from '../../local/serverless-variables.js';

const root = resolve(import.meta.dirname, '../..');
/** `{ "Fn::GetAtt": [logicalId, attribute] }`. */
type GetAtt = { 'Fn::GetAtt': [string, string] };
type Ref = { Ref: string };
/** The properties these tests read; each resource type carries only its own. */
type Properties = Partial<{
  RedrivePolicy: unknown;
  VisibilityTimeout: number;
  Timeout: number;
  MemorySize: number;
  FunctionResponseTypes: string[];
  ScalingConfig: { MaximumConcurrency: number };
  BatchSize: number;
  MaximumBatchingWindowInSeconds: number;
  EventSourceArn: GetAtt;
  FunctionName: GetAtt;
  MetricName: string;
  Namespace: string;
  Dimensions: Array<{ Name: string; Value: GetAtt | Ref }>;
  Threshold: number;
  AlarmActions: unknown[];
  Handler: string;
  Role: GetAtt;
  Environment: { Variables: Record<string, unknown> };
  Policies: Array<{ PolicyDocument: { Statement: Statement[] } }>;
  DefaultRouteSettings: { ThrottlingBurstLimit?: number; ThrottlingRateLimit?: number };
  TableName: string;
  BillingMode: string;
  KeySchema: Array<{ AttributeName: string; KeyType: string }>;
  AttributeDefinitions: Array<{ AttributeName: string; AttributeType: string }>;
  TimeToLiveSpecification: { AttributeName: string; Enabled: boolean };
  PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: boolean };
  SSESpecification: { SSEEnabled: boolean };
  BucketEncryption: unknown;
  PublicAccessBlockConfiguration: unknown;
  LifecycleConfiguration: { Rules: Array<Record<string, unknown>> };
  ScheduleExpression: string;
  ScheduleExpressionTimezone: string;
  State: unknown;
  Target: { Arn: GetAtt; RoleArn: GetAtt };
  AssumeRolePolicyDocument: { Statement: Array<{ Principal: { Service: string } }> };
}>;
type Resource = { Type: string; Properties: Properties; DeletionPolicy?: string; UpdateReplacePolicy?: string };
type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
/** A resource of a statement as text: a plain ARN, or the template of its `Fn::Sub`. */
const arnText = (resource: unknown): string => {
  if (typeof resource === 'string') return resource;
  const template = (resource as { 'Fn::Sub'?: unknown })['Fn::Sub'];
  return typeof template === 'string' ? template : JSON.stringify(resource);
};
/** The secrets a bundle reads: by convention their names end in _SECRET or _TOKEN. */
const SECRET_NAME = /["'`]([A-Z][A-Z0-9_]*_(?:SECRET|TOKEN))["'`]/g;
/** The artifact `serverless package` writes for a function, e.g. `usageSync.zip` for `UsageSyncLambdaFunction`. */
const artifactOf = (functionId: string): string => {
  const name = functionId.replace(/LambdaFunction$/, '');
  return `${name.charAt(0).toLowerCase()}${name.slice(1)}.zip`;
};
const MAX_ZIP_BYTES = 1024 * 1024;
/**
 * SQS commands by the class names `keepNames` keeps: the ones the hub sends, and some it never
 * sends, which a bundle of the SDK's ES module builds leaves out (its CommonJS build keeps them all).
 */
const SQS_COMMANDS_SENT =
  /"(SendMessage|SendMessageBatch|ChangeMessageVisibility|ReceiveMessage|DeleteMessageBatch)Command"/;
const SQS_COMMANDS_UNSENT = /"(CreateQueue|DeleteQueue|PurgeQueue|ListQueueTags|TagQueue|AddPermission)Command"/g;
/** The clients behind credential sources Lambda does not have (SSO, profiles' role chains, console login). */
const NON_LAMBDA_CREDENTIAL_CLIENTS = /"(SSOClient|SSOOIDCClient|STSClient|SigninClient)"/g;
/**
 * Code of the parsers jsforce loads for XML and CSV bodies (xml2js's sax and xmlbuilder, csv-parse),
 * which the hub reads as JSON or text, and of its proxy agent, for a proxy the hub never sets.
 */
const JSFORCE_BODY_PARSERS = /"(SAXParser|XMLStringifier|CSV_INVALID_CLOSING_QUOTE|HttpsProxyAgent)"/g;
/** Error classes `@aws-sdk/client-ssm` registers at import: lib/ssm-parameter.ts sends GetParameter without it. */
const SSM_CLIENT_ERRORS =
  /"(AssociationAlreadyExists|AutomationDefinitionNotFoundException|ParameterVersionLabelLimitExceeded)"/g;
/** Classic zod's schema classes, by the names `keepNames` keeps: function code builds its schemas with zod/mini. */
const CLASSIC_ZOD = /"Zod(Type|Object|String)"/g;
/** A built-in module loaded as an ES module (the banner's `module` aside): see deploy/esbuild-plugins.js. */
const BUILTIN_IMPORT = /(?:import|from)\s*"(?:node:)?(?!module")[a-z_/]+"/g;
/** esbuild writes non-ASCII characters as escapes (`\xFC`, `\u0431`): back to characters, to search for them. */
const unescaped = (code: string): string =>
  code.replace(/\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})|\\u\{([0-9a-fA-F]+)\}/g, (_, x, u, braced) =>
    String.fromCodePoint(parseInt(x ?? u ?? braced, 16)),
  );
/** One message of each of zod's other locales: its first string literal of 8 characters or more that is not ASCII. */
function zodOtherLocaleMarkers(): string[] {
  const dir = join(root, 'node_modules/zod/v4/locales');
  return readdirSync(dir)
    .filter((file) => /^[a-zA-Z-]+\.js$/.test(file) && file !== 'en.js' && file !== 'index.js')
    .map((file) =>
      [...readFileSync(join(dir, file), 'utf8').matchAll(/"([^"\n]*[\u0080-\uffff][^"\n]*)"/g)]
        .map((match) => match[1]!)
        .find((literal) => literal.length >= 8),
    )
    .filter((marker) => marker !== undefined);
}

describe('osls package (offline, no AWS credentials)', () => {
  const out = mkdtempSync(join(tmpdir(), 'switchboard-package-'));
  let template: { Resources: Record<string, Resource>; Conditions: Record<string, unknown> };
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
    template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
    resources = template.Resources;
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

  it('keeps every function zip within 1 MB', () => {
    const zips = ofType('AWS::Lambda::Function').map(([functionId]) => ({
      functionId,
      bytes: statSync(join(out, artifactOf(functionId))).size,
    }));
    expect(zips.length).toBeGreaterThan(0);
    expect(zips.filter((zip) => zip.bytes > MAX_ZIP_BYTES)).toEqual([]);
  });

  it('bundles of the AWS SDK, zod and jsforce what the functions run, and no more', () => {
    const markers = zodOtherLocaleMarkers();
    // Guards the check itself: zod ships some 60 locales.
    expect(markers.length).toBeGreaterThan(40);
    const senders: string[] = [];
    for (const [functionId] of ofType('AWS::Lambda::Function')) {
      const entries = readZipEntries(join(out, artifactOf(functionId)));
      expect({ functionId, installed: [...entries.keys()].filter((name) => name.includes('node_modules/')) }).toEqual({
        functionId,
        installed: [],
      });
      for (const [name, data] of entries) {
        if (!/\.m?js$/.test(name)) continue;
        const code = unescaped(data.toString('utf8'));
        const external = /from\s*"@(aws-sdk|smithy)\/[^"]+"/.exec(code)?.[0];
        expect({ functionId, name, external }).toEqual({ functionId, name, external: undefined });
        const unsent = [...code.matchAll(SQS_COMMANDS_UNSENT)].map((match) => match[1]);
        expect({ functionId, name, unsent }).toEqual({ functionId, name, unsent: [] });
        const credentialClients = [...code.matchAll(NON_LAMBDA_CREDENTIAL_CLIENTS)].map((match) => match[1]);
        expect({ functionId, name, credentialClients }).toEqual({ functionId, name, credentialClients: [] });
        const ssmClient = [...code.matchAll(SSM_CLIENT_ERRORS)].map((match) => match[1]);
        expect({ functionId, name, ssmClient }).toEqual({ functionId, name, ssmClient: [] });
        const classicZod = [...code.matchAll(CLASSIC_ZOD)].map((match) => match[1]);
        expect({ functionId, name, classicZod }).toEqual({ functionId, name, classicZod: [] });
        const parsers = [...code.matchAll(JSFORCE_BODY_PARSERS)].map((match) => match[1]);
        expect({ functionId, name, parsers }).toEqual({ functionId, name, parsers: [] });
        const builtins = [...code.matchAll(BUILTIN_IMPORT)].map((match) => match[0]);
        expect({ functionId, name, builtins }).toEqual({ functionId, name, builtins: [] });
        const locales = markers.filter((marker) => code.includes(marker));
        expect({ functionId, name, locales }).toEqual({ functionId, name, locales: [] });
        if (SQS_COMMANDS_SENT.test(code)) senders.push(functionId);
      }
    }
    // Guards the checks above: the SDK is in the bundles, not missing, and every consumer sends to a queue.
    expect(senders).toEqual(expect.arrayContaining(['SalesforceWriterLambdaFunction', 'UsageSyncLambdaFunction']));
  });

  it('gives each external API a queue with a dead-letter queue', () => {
    const queues = ofType('AWS::SQS::Queue').map(([name]) => name);
    for (const api of ['Salesforce', 'Mixpanel', 'Zendesk', 'Usage']) {
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

  it('keeps the state in one on-demand table keyed by pk and sk, expiring, backed up, encrypted and retained', () => {
    const tables = ofType('AWS::DynamoDB::Table');
    expect(tables.map(([name]) => name)).toEqual(['StateTable']);
    const [, table] = tables[0]!;
    expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(table.Properties).toEqual({
      TableName: 'switchboard-ci-state',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('alarms on dead letters of every queue, and on the age of the oldest message of each API queue', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    const on = (queue: string, metric: string) =>
      alarms.some(
        (alarm) => alarm.MetricName === metric && (alarm.Dimensions![0]!.Value as GetAtt)['Fn::GetAtt']?.[0] === queue,
      );
    for (const api of ['Salesforce', 'Mixpanel', 'Zendesk', 'Usage'])
      expect(on(`${api}DeadLetterQueue`, 'ApproximateNumberOfMessagesVisible')).toBe(true);
    // A large night keeps usage chunks waiting for their turn by design: no age alarm on that queue.
    for (const api of ['Salesforce', 'Mixpanel', 'Zendesk'])
      expect(on(`${api}Queue`, 'ApproximateAgeOfOldestMessage')).toBe(true);
  });

  it('keeps secrets out of the template', () => {
    const template = JSON.stringify(resources);
    expect(template).not.toMatch(/sandbox-service-account-secret|SECRET"\s*:\s*"[^"]/);
  });

  const statementsOf = (roleId: string): Statement[] =>
    resources[roleId]!.Properties.Policies!.flatMap((policy) => policy.PolicyDocument.Statement);
  const roleOf = (functionId: string): string => resources[functionId]!.Properties.Role!['Fn::GetAtt'][0];

  it('grants no wildcard action; a wildcard resource only to kms:Decrypt via SSM, log streams and keys', () => {
    const buckets = ofType('AWS::S3::Bucket').map(([bucketId]) => bucketId);
    const statements = ofType('AWS::IAM::Role').flatMap(([roleId]) => statementsOf(roleId));
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      const actions = asList(statement.Action);
      for (const action of actions) expect(action).not.toContain('*');
      const wildcards = asList(statement.Resource)
        .map(arnText)
        .filter((arn) => arn.includes('*'));
      if (wildcards.length === 0) continue;
      if (actions.every((action) => action.startsWith('logs:'))) {
        // The streams of one function's own log group: the framework's statement.
        const ownStreams = /:log-group:\/aws\/lambda\/switchboard-ci-[^*:]+:\*(:\*)?$/;
        for (const arn of wildcards) expect(arn).toMatch(ownStreams);
        continue;
      }
      if (actions.every((action) => /^s3:(Get|Put)Object$/.test(action))) {
        // Keys under a prefix of one of the stack's own buckets.
        for (const arn of wildcards) {
          const bucket = /^\$\{(\w+)\.Arn\}\/[\w-]*(\/)?\*$/.exec(arn)?.[1];
          expect({ arn, bucket }).toEqual({
            arn,
            bucket: expect.stringMatching(new RegExp(`^(${buckets.join('|')})$`)),
          });
        }
        continue;
      }
      // KMS key ARNs of SSM's key are not known to the template; SSM alone may use them.
      expect({ actions, wildcards }).toEqual({ actions: ['kms:Decrypt'], wildcards: ['*'] });
      expect(statement.Condition?.StringEquals?.['kms:ViaService']).toEqual({
        'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com',
      });
    }
  });

  it('gives every role to a function or a schedule: no unused default role', () => {
    const used = new Set([
      ...ofType('AWS::Lambda::Function').map(([functionId]) => roleOf(functionId)),
      ...ofType('AWS::Scheduler::Schedule').map(([, schedule]) => schedule.Properties.Target!.RoleArn['Fn::GetAtt'][0]),
    ]);
    const roles = ofType('AWS::IAM::Role').map(([roleId]) => roleId);
    expect(roles).not.toContain('IamRoleLambdaExecution');
    expect(roles.filter((roleId) => !used.has(roleId))).toEqual([]);
  });

  it("offers functions the state table's item actions on its ARN alone, and grants DynamoDB nothing else", () => {
    const config = loadServerlessYaml(readFileSync(join(root, 'serverless.yml'), 'utf8'), {
      stage: 'ci',
      region: 'us-east-1',
      env: {},
    });
    const offered = (config.custom as { stateTableAccess: Statement }).stateTableAccess;
    const onTable = { 'Fn::GetAtt': ['StateTable', 'Arn'] };
    expect(offered).toEqual({
      Effect: 'Allow',
      Action: [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:PutItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ],
      Resource: onTable,
    });
    const granted = ofType('AWS::IAM::Role')
      .flatMap(([roleId]) => statementsOf(roleId))
      .filter((statement) => asList(statement.Action).some((action) => action.startsWith('dynamodb:')));
    for (const statement of granted) {
      expect(asList(statement.Action).every((action) => asList(offered.Action).includes(action))).toBe(true);
      expect(asList(statement.Resource)).toEqual([onTable]);
    }
  });

  it('grants the state table to each function whose code opens the state store, and to no other', async () => {
    const keepers: string[] = [];
    for (const [functionId, fn] of ofType('AWS::Lambda::Function')) {
      const bundle = await build({
        entryPoints: [join(root, `${fn.Properties.Handler!.replace(/\.[^.]+$/, '')}.ts`)],
        bundle: true,
        write: false,
        platform: 'node',
        format: 'esm',
        packages: 'external',
        logLevel: 'silent',
      });
      // `stateStoreSettings` names the table's setting: a function that parses it opens the store.
      const opens = bundle.outputFiles[0]!.text.includes('STATE_TABLE');
      const granted = statementsOf(roleOf(functionId)).some((statement) =>
        asList(statement.Action).some((action) => action.startsWith('dynamodb:')),
      );
      expect({ functionId, granted }).toEqual({ functionId, granted: opens });
      if (opens) keepers.push(functionId);
    }
    expect(keepers).toEqual(expect.arrayContaining(['SalesforceWriterLambdaFunction', 'MixpanelSenderLambdaFunction']));
  });

  it('lets each function get exactly the SSM parameters of the secrets its code reads, and no other', async () => {
    let readers = 0;
    for (const [functionId, fn] of ofType('AWS::Lambda::Function')) {
      // The function's `*_SSM` variables name the parameters it may read.
      const variables = fn.Properties.Environment!.Variables;
      const ssm = Object.entries(variables).filter(([name]) => name.endsWith('_SSM'));
      const paths = ssm.map(([, path]) => String(path)).sort();
      if (paths.length > 0) readers += 1;
      // What the code reads: the secret names in the function's own bundle (dependencies left out: fast).
      const entry = `${fn.Properties.Handler!.replace(/\.[^.]+$/, '')}.ts`;
      const bundle = await build({
        entryPoints: [join(root, entry)],
        bundle: true,
        write: false,
        platform: 'node',
        format: 'esm',
        packages: 'external',
        minify: true,
        logLevel: 'silent',
      });
      const read = [...new Set([...bundle.outputFiles[0]!.text.matchAll(SECRET_NAME)].map((match) => match[1]))];
      expect({ functionId, ssm: ssm.map(([name]) => name).sort() }).toEqual({
        functionId,
        ssm: read.map((name) => `${name}_SSM`).sort(),
      });

      const statements = statementsOf(roleOf(functionId));
      const granted = statements
        .filter((statement) => asList(statement.Action).some((action) => action.startsWith('ssm:')))
        .flatMap((statement) => {
          expect(asList(statement.Action)).toEqual(['ssm:GetParameter']);
          return asList(statement.Resource).map(arnText);
        });
      expect({ functionId, granted: granted.sort() }).toEqual({
        functionId,
        granted: paths.map((path) => `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${path}`),
      });
      const decrypts = statements.filter((statement) => asList(statement.Action).includes('kms:Decrypt'));
      expect({ functionId, decrypts: decrypts.length }).toEqual({ functionId, decrypts: paths.length > 0 ? 1 : 0 });
    }
    // Guards the check itself: the ingress functions and the consumers all read a secret.
    expect(readers).toBeGreaterThanOrEqual(5);
  });

  /** A role's statements but its log group, its secrets and their KMS key, which the checks above cover. */
  const grantsOf = (functionId: string): Statement[] =>
    statementsOf(roleOf(functionId)).filter(
      (statement) =>
        !asList(statement.Action).some(
          (action) => action.startsWith('logs:') || action.startsWith('ssm:') || action === 'kms:Decrypt',
        ),
    );
  const getAtt = (logicalId: string, attribute = 'Arn'): GetAtt => ({ 'Fn::GetAtt': [logicalId, attribute] });
  const stateTableAccess = expect.objectContaining({ Resource: getAtt('StateTable') });

  it('lets the usage planner list the export, enqueue chunks and keep runs, and nothing else', () => {
    expect(grantsOf('UsagePlannerLambdaFunction')).toEqual([
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: getAtt('UsageQueue') },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: getAtt('UsageExportBucket') },
      stateTableAccess,
    ]);
  });

  it('lets the usage consumer read the export, use its staging keys and its queues, and nothing else', () => {
    expect(grantsOf('UsageSyncLambdaFunction')).toEqual([
      // The framework's own statement for the event source, a subset of the next one.
      {
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        Resource: [getAtt('UsageQueue')],
      },
      {
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
        Resource: getAtt('UsageQueue'),
      },
      {
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: [getAtt('UsageQueue'), getAtt('UsageDeadLetterQueue'), getAtt('MixpanelQueue')],
      },
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: { 'Fn::Sub': '${UsageExportBucket.Arn}/*' } },
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: { 'Fn::Sub': '${StagingBucket.Arn}/usage-runs/*' },
      },
      {
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: getAtt('StagingBucket'),
        Condition: { StringLike: { 's3:prefix': 'usage-runs/*' } },
      },
      stateTableAccess,
    ]);
  });

  it('gives the usage functions the settings their code reads, the export bucket filled in by CloudFormation', () => {
    for (const functionId of ['UsagePlannerLambdaFunction', 'UsageSyncLambdaFunction']) {
      const variables = resources[functionId]!.Properties.Environment!.Variables;
      expect(variables).toMatchObject({
        USAGE_QUEUE_URL: { Ref: 'UsageQueue' },
        USAGE_DLQ_URL: { Ref: 'UsageDeadLetterQueue' },
        MIXPANEL_QUEUE_URL: { Ref: 'MixpanelQueue' },
        STAGING_BUCKET: { Ref: 'StagingBucket' },
        STATE_TABLE: { Ref: 'StateTable' },
        USAGE_SOURCE: { 'Fn::Join': ['', ['s3://', { Ref: 'UsageExportBucket' }, '/usage/{date}/']] },
        // Set, it names the app's HTTPS export, which is read instead of the bucket.
        USAGE_EXPORT_URL: '',
        USAGE_SYNC_CONFIG: '',
      });
    }
    expect(resources.UsageSyncLambdaFunction!.Properties).toMatchObject({ Timeout: 900, MemorySize: 2048 });
  });

  it('runs the usage planner on the schedule of the parameters, off by default, by a role that only invokes it', () => {
    const schedules = ofType('AWS::Scheduler::Schedule');
    expect(schedules.map(([scheduleId]) => scheduleId)).toEqual(['UsagePlannerSchedulerSchedule1']);
    const [, schedule] = schedules[0]!;
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      State: { 'Fn::If': ['UsageScheduleEnabled', 'ENABLED', 'DISABLED'] },
      Target: { Arn: getAtt('UsagePlannerLambdaFunction'), RoleArn: getAtt('UsageScheduleRole') },
    });
    expect(template.Conditions.UsageScheduleEnabled).toEqual({ 'Fn::Equals': ['is-false', 'is-true'] });
    const role = resources.UsageScheduleRole!.Properties;
    expect(role.AssumeRolePolicyDocument!.Statement.map((statement) => statement.Principal.Service)).toEqual([
      'scheduler.amazonaws.com',
    ]);
    expect(statementsOf('UsageScheduleRole')).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: getAtt('UsagePlannerLambdaFunction') },
    ]);
  });

  it('keeps the staging bucket a week and the export inbox the configured days, encrypted and private', () => {
    const expiry = (bucketId: string) => resources[bucketId]!.Properties.LifecycleConfiguration!.Rules;
    expect(expiry('StagingBucket')).toEqual([
      expect.objectContaining({ Status: 'Enabled', Prefix: 'usage-runs/', ExpirationInDays: 7 }),
    ]);
    expect(expiry('UsageExportBucket')).toEqual([expect.objectContaining({ Status: 'Enabled', ExpirationInDays: 30 })]);
    expect(resources.UsageExportBucket).toMatchObject({ DeletionPolicy: 'Retain' });
    for (const bucket of [resources.StagingBucket!, resources.UsageExportBucket!]) {
      expect(bucket.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  it('throttles the HTTP API stage by default', () => {
    const settings = resources.HttpApiStage!.Properties.DefaultRouteSettings!;
    expect(settings.ThrottlingBurstLimit).toBeGreaterThan(0);
    expect(settings.ThrottlingRateLimit).toBeGreaterThan(0);
  });

  it("alarms on each function's errors and throttles and on HTTP API 5xx answers, to the alarm topic", () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
    const on = (namespace: string, metric: string, dimension: string, ref: string) =>
      alarms.filter(
        (alarm) =>
          alarm.Namespace === namespace &&
          alarm.MetricName === metric &&
          alarm.Dimensions!.some((d) => d.Name === dimension && (d.Value as Ref).Ref === ref),
      );
    for (const [functionId] of ofType('AWS::Lambda::Function')) {
      for (const metric of ['Errors', 'Throttles']) {
        const found = on('AWS/Lambda', metric, 'FunctionName', functionId);
        expect({ functionId, metric, alarms: found.length }).toEqual({ functionId, metric, alarms: 1 });
        expect(found[0]!.Threshold).toBeGreaterThan(0);
      }
    }
    expect(on('AWS/ApiGateway', '5xx', 'ApiId', 'HttpApi')).toHaveLength(1);
  });
});
