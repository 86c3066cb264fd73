import * as z from '../../zod-mini.js';
import { PermanentError } from '../../errors.js';
import type { SalesforceSession } from './session.js';

/** The org's own count of its API requests in the rolling 24 h (`GET /limits`, `DailyApiRequests`). */
export interface DailyApiRequests {
  max: number;
  remaining: number;
  used: number;
}

const LimitsAnswer = z.object({
  DailyApiRequests: z.object({ Max: z.number(), Remaining: z.number() }),
});

/**
 * Asks the org how many API requests it has counted (api-rest dome_limits). The request is itself
 * an API call: it costs one, and a session with a budget reserves it and records its answer.
 */
export async function readDailyApiRequests(session: SalesforceSession): Promise<DailyApiRequests> {
  const parsed = LimitsAnswer.safeParse(await session.request<unknown>({ method: 'GET', url: '/limits' }));
  if (!parsed.success) throw new PermanentError('Salesforce /limits answered without DailyApiRequests');
  const { Max: max, Remaining: remaining } = parsed.data.DailyApiRequests;
  return { max, remaining, used: max - remaining };
}
