import { BUDGET_DEFER_SECONDS, deferIfOverBudget, isOverBudget } from '../../../../lib/clients/salesforce/budget.js';
import { RetryableError } from '../../../../lib/errors.js';

describe('isOverBudget', () => {
  it.each([
    [undefined, false],
    [{ used: 0, max: 0 }, false],
    [{ used: 79_999, max: 100_000 }, false],
    [{ used: 80_000, max: 100_000 }, true],
    [{ used: 100_000, max: 100_000 }, true],
    [{ used: 12_000, max: 15_000 }, true],
  ])('%j at an 80 %% guard → %s', (usage, expected) => {
    expect(isOverBudget(usage, 80)).toBe(expected);
  });
});

describe('deferIfOverBudget', () => {
  it('throws a retryable error that asks to wait when usage is at or above the guard', () => {
    expect(() => deferIfOverBudget({ used: 50, max: 100 }, 80)).not.toThrow();

    let thrown: unknown;
    try {
      deferIfOverBudget({ used: 81, max: 100 }, 80);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(RetryableError);
    expect(thrown).toMatchObject({
      retryAfterSeconds: BUDGET_DEFER_SECONDS,
      message: expect.stringContaining('81/100'),
    });
  });
});
