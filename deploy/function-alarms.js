/**
 * One alarm on `Errors` and one on `Throttles` for every function of the service, so a function
 * added later is watched without anyone remembering to. Settings in `custom.functionAlarms`:
 * `topic` (the logical id of the SNS topic to notify), `errorThreshold` and `throttleThreshold`
 * (counts per period that raise the alarm), `periodSeconds`.
 */
const WATCHED = [
  {
    metric: 'Errors',
    threshold: 'errorThreshold',
    // An SQS consumer reports its failed records in its answer, which Lambda does not count as errors.
    meaning: 'failed with an error no handler caught (a crash, a timeout, a configuration refused at cold start)',
  },
  {
    metric: 'Throttles',
    threshold: 'throttleThreshold',
    meaning: 'was throttled: Lambda refused invocations for lack of concurrency',
  },
];

export default class FunctionAlarms {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'package:compileEvents': () => this.addAlarms() };
  }

  addAlarms() {
    const { service } = this.serverless;
    const naming = this.serverless.getProvider('aws').naming;
    const settings = this.settings();
    const resources = service.provider.compiledCloudFormationTemplate.Resources;
    for (const name of service.getAllFunctions()) {
      const functionName = service.getFunction(name).name;
      for (const { metric, threshold, meaning } of WATCHED) {
        resources[`${naming.getNormalizedFunctionName(name)}${metric}Alarm`] = {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            AlarmName: `${functionName}-${metric.toLowerCase()}`,
            AlarmDescription: `${functionName} ${meaning}; read its logs.`,
            Namespace: 'AWS/Lambda',
            MetricName: metric,
            Dimensions: [{ Name: 'FunctionName', Value: { Ref: naming.getLambdaLogicalId(name) } }],
            Statistic: 'Sum',
            Period: settings.periodSeconds,
            EvaluationPeriods: 1,
            Threshold: settings[threshold],
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
            TreatMissingData: 'notBreaching',
            AlarmActions: [{ Ref: settings.topic }],
            OKActions: [{ Ref: settings.topic }],
          },
        };
      }
    }
  }

  /** The settings, checked: a missing one would otherwise deploy alarms that never fire. */
  settings() {
    const settings = this.serverless.service.custom?.functionAlarms ?? {};
    const positive = (key) => {
      const value = Number(settings[key]);
      if (!Number.isFinite(value) || value <= 0)
        throw new this.serverless.classes.Error(`custom.functionAlarms.${key} must be a positive number`);
      return value;
    };
    if (typeof settings.topic !== 'string' || settings.topic === '')
      throw new this.serverless.classes.Error('custom.functionAlarms.topic must name the SNS topic resource');
    return {
      topic: settings.topic,
      errorThreshold: positive('errorThreshold'),
      throttleThreshold: positive('throttleThreshold'),
      periodSeconds: positive('periodSeconds'),
    };
  }
}
