import { RetryableError } from '../../errors.js';
import type { ApiUsage } from './gateway.js';

/** How long a sync deferred by the budget guard waits before it tries again. */
export const BUDGET_DEFER_SECONDS = 3600;

/** Whether the org has spent at least `percent` % of its daily API allocation (unknown usage is not over). */
export function isOverBudget(usage: ApiUsage | undefined, percent: number): boolean {
  if (!usage || usage.max <= 0) return false;
  return (usage.used / usage.max) * 100 >= percent;
}

/**
 * For bulk work that must yield to tickets and terms (the nightly usage sync): throws a
 * `RetryableError` with `retryAfterSeconds` when usage is at or above the guard, so the message
 * goes back to the queue and the sync runs later.
 */
export function deferIfOverBudget(
  usage: ApiUsage | undefined,
  percent: number,
  retryAfterSeconds = BUDGET_DEFER_SECONDS,
): void {
  if (!isOverBudget(usage, percent)) return;
  throw new RetryableError(
    `Salesforce API usage ${usage?.used}/${usage?.max} is at or above the ${percent} % budget guard; deferring`,
    { retryAfterSeconds },
  );
}
