import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * One logger and one metrics sink per container. Structured JSON logs with per-record
 * correlation keys; metrics as CloudWatch EMF in the namespace `Switchboard`.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'switchboard' });

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Switchboard',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'switchboard',
});

export { MetricUnit };
