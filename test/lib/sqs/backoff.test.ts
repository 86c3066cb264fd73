import { retryDelaySeconds } from '../../../lib/sqs/backoff.js';

describe('retryDelaySeconds', () => {
  const options = { baseSeconds: 2, maxSeconds: 60 };

  it('doubles from the base with each delivery', () => {
    expect([1, 2, 3, 4].map((n) => retryDelaySeconds(n, undefined, options, () => 0))).toEqual([2, 4, 8, 16]);
  });

  it('caps at the maximum and adds at most 20 % jitter', () => {
    expect(retryDelaySeconds(10, undefined, options, () => 0)).toBe(60);
    expect(retryDelaySeconds(10, undefined, options, () => 0.999)).toBe(72);
  });

  it('never waits less than the vendor asked', () => {
    expect(retryDelaySeconds(1, 30, options, () => 0)).toBe(30);
  });
});
