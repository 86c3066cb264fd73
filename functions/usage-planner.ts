import * as z from '../lib/zod-mini.js';
import { ssmParameterReader } from '../lib/config.js';
import { logger } from '../lib/observability.js';
import { usageSyncDeps } from '../lib/usage/sync/container.js';
import { planUsageRun } from '../lib/usage/sync/plan.js';

// Built once per container: config, the state store, S3, queues, one Salesforce session.
const deps = await usageSyncDeps(ssmParameterReader);

/** The schedule sends its own event (ignored); `npm run sync -- run` may set these. */
const PlanRequest = z.catch(
  z.object({ asOf: z.optional(z.iso.datetime({ offset: true })), force: z.optional(z.boolean()) }),
  {},
);

/**
 * The nightly schedule's target: starts a run of the usage sync (its chunks go on the usage
 * queue) unless the previous one is still going. A failure throws, so the schedule's retry and
 * the function's error alarm see it.
 */
export const handler = async (event: unknown): Promise<{ runId?: string; skipped?: string }> => {
  const request = PlanRequest.parse(event);
  const result = await planUsageRun(deps, {
    ...(request.asOf ? { asOf: Date.parse(request.asOf) } : {}),
    ...(request.force ? { force: true } : {}),
  });
  if ('skipped' in result) {
    logger.warn('Usage run not started', { reason: result.skipped });
    return { skipped: result.skipped };
  }
  return { runId: result.started.runId };
};
