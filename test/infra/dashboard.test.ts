import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadServerlessYaml } from '../../local/serverless-variables.js';

const root = resolve(import.meta.dirname, '../..');
const STAGE = 'ci';

type Resource = { Type: string; Properties: Record<string, unknown> };
/** A metric line of a widget: namespace, name, then dimension name/value pairs, then options. */
type MetricLine = Array<string | Record<string, unknown>>;
type Widget = { type: string; properties: { title: string; region: string; metrics: MetricLine[] } };

const config = loadServerlessYaml(readFileSync(join(root, 'serverless.yml'), 'utf8'), {
  stage: STAGE,
  region: 'us-east-1',
  env: {},
});
const resources = (config.resources as { Resources: Record<string, Resource> }).Resources;
const provider = config.provider as { environment: Record<string, unknown> };
const functions = Object.keys(config.functions as Record<string, unknown>);
/** osls's logical id of a function's AWS::Lambda::Function. */
const lambdaId = (name: string): string => `${name.charAt(0).toUpperCase()}${name.slice(1)}LambdaFunction`;

/**
 * The body as CloudFormation's Fn::Sub would make it: `${Id.Attribute}` and `${Id}` of resources
 * in the template (or functions) and `${AWS::Region}`, each to a recognisable value; any other
 * variable fails the test, as it would fail the stack.
 */
function substituted(template: string): string {
  return template.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
    if (name === 'AWS::Region') return 'eu-west-1';
    const [id = '', attribute] = name.split('.');
    const known = id in resources || functions.some((fn) => lambdaId(fn) === id);
    if (!known) throw new Error(`The dashboard refers to ${name}, which the template does not have`);
    return attribute ? `<${id}.${attribute}>` : `<${id}>`;
  });
}

/** Every metric name the code publishes: `metrics.addMetric('Name', …)` in lib/ and functions/. */
function publishedMetricNames(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts'))
        for (const match of readFileSync(path, 'utf8').matchAll(/addMetric\(\s*'([A-Za-z]+)'/g)) names.add(match[1]!);
    }
  };
  walk(join(root, 'lib'));
  walk(join(root, 'functions'));
  return names;
}

const dashboard = resources.Dashboard!;
const body = JSON.parse(substituted((dashboard.Properties.DashboardBody as { 'Fn::Sub': string })['Fn::Sub'])) as {
  widgets: Widget[];
};
/** A part of a metric line as text: the names and dimension values are strings. */
const text = (part: unknown): string => (typeof part === 'string' ? part : JSON.stringify(part));
const lines = body.widgets.flatMap((widget) => widget.properties.metrics);
/** The dimension values a namespace's metric `name` is shown for. */
const shownFor = (namespace: string, name: string): string[] =>
  lines.filter((line) => line[0] === namespace && line[1] === name).map((line) => text(line[3]));

describe('the CloudWatch dashboard', () => {
  it('is one dashboard per stage, its body valid JSON once Fn::Sub has filled it in', () => {
    // Assert
    expect(dashboard.Type).toBe('AWS::CloudWatch::Dashboard');
    expect(dashboard.Properties.DashboardName).toBe(`switchboard-${STAGE}`);
    expect(body.widgets.length).toBeGreaterThan(0);
    for (const widget of body.widgets) expect(widget.properties.region).toBe('eu-west-1');
  });

  it("shows every queue's depth and oldest message, and every dead-letter queue's depth", () => {
    // Arrange
    const queues = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::SQS::Queue');
    const deadLetter = queues.filter(([id]) => id.endsWith('DeadLetterQueue')).map(([id]) => `<${id}.QueueName>`);
    const work = queues.filter(([id]) => !id.endsWith('DeadLetterQueue')).map(([id]) => `<${id}.QueueName>`);

    // Assert
    expect(work.length).toBeGreaterThanOrEqual(4);
    expect(deadLetter.length).toBe(work.length);
    expect(shownFor('AWS/SQS', 'ApproximateNumberOfMessagesVisible').sort()).toEqual([...work, ...deadLetter].sort());
    expect(shownFor('AWS/SQS', 'ApproximateAgeOfOldestMessage').sort()).toEqual(work.sort());
  });

  it('shows only metrics the code publishes, every one of them, in its namespace and service dimension', () => {
    // Arrange
    const published = publishedMetricNames();
    const own = lines.filter((line) => line[0] === provider.environment.POWERTOOLS_METRICS_NAMESPACE);

    // Assert
    expect([...published]).toEqual(
      expect.arrayContaining(['SalesforceBudgetUsedPercent', 'SalesforceCallsDeferred', 'UsageChunksDeferred']),
    );
    expect(own.map((line) => text(line[1])).filter((name) => !published.has(name))).toEqual([]);
    expect([...published].filter((name) => !own.some((line) => line[1] === name))).toEqual([]);
    for (const line of own) expect(line.slice(2, 4)).toEqual(['service', provider.environment.POWERTOOLS_SERVICE_NAME]);
  });

  it("shows every function's errors, throttles and duration", () => {
    // Arrange
    const every = functions.map((name) => `<${lambdaId(name)}>`).sort();

    // Assert
    for (const metric of ['Errors', 'Throttles', 'Duration'])
      expect(shownFor('AWS/Lambda', metric).sort()).toEqual(every);
  });
});
