import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { BACKOFF, retryDelaySeconds, type BackoffOptions } from '../../../lib/sqs/backoff.js';

describe('retryDelaySeconds', () => {
  const options = { baseSeconds: 2, maxSeconds: 60, jitterSeconds: { min: 1, max: 5 } };

  it('doubles from the base with each delivery, plus the least jitter', () => {
    expect([1, 2, 3, 4].map((n) => retryDelaySeconds(n, undefined, options, () => 0))).toEqual([3, 5, 9, 17]);
  });

  it('caps the exponential part and adds at most the largest jitter', () => {
    expect(retryDelaySeconds(10, undefined, options, () => 0)).toBe(61);
    expect(retryDelaySeconds(10, undefined, options, () => 0.999)).toBe(65);
  });

  it('spreads the retries of one throttled batch over whole seconds', () => {
    const delays = Array.from({ length: 44 }, () => retryDelaySeconds(1, undefined, options));
    expect(new Set(delays).size).toBeGreaterThanOrEqual(4);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...delays)).toBeLessThanOrEqual(7);
  });

  it('never waits less than the vendor asked', () => {
    expect(retryDelaySeconds(1, 30, options, () => 0)).toBe(31);
    expect(retryDelaySeconds(1, 12.2, options, () => 0)).toBe(14);
  });

  it('keeps Mixpanel within its documented 60 s plus 1–5 s', () => {
    const delays = Array.from({ length: 200 }, (_, i) => retryDelaySeconds(1 + (i % 12), undefined, BACKOFF.mixpanel));
    expect(Math.max(...delays)).toBeLessThanOrEqual(65);
  });
});

describe('the retry budget of serverless.yml', () => {
  // The deliveries a message gets before the dead-letter queue, as deployed and as `npm start` runs them.
  const { params } = parse(readFileSync(new URL('../../../serverless.yml', import.meta.url), 'utf8'), {
    logLevel: 'silent',
  }) as {
    params: { default: { maxReceiveCount: number } };
  };
  const maxReceiveCount = params.default.maxReceiveCount;
  /** The shortest time from the first delivery to the last, every delivery failing at once. */
  const shortestRetryMinutes = (options: BackoffOptions) =>
    Array.from({ length: maxReceiveCount - 1 }, (_, i) => retryDelaySeconds(i + 1, undefined, options, () => 0)).reduce(
      (sum, delay) => sum + delay,
      0,
    ) / 60;

  it('rides out an hour of Salesforce or Zendesk being down before anything is dead-lettered', () => {
    expect(shortestRetryMinutes(BACKOFF.salesforce)).toBeGreaterThanOrEqual(60);
    expect(shortestRetryMinutes(BACKOFF.zendesk)).toBeGreaterThanOrEqual(60);
  });

  it('rides out 20 minutes of Mixpanel refusing everything, at its documented 60 s ceiling', () => {
    expect(shortestRetryMinutes(BACKOFF.mixpanel)).toBeGreaterThanOrEqual(20);
  });
});
