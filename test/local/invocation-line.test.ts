import type { Invocation } from '../../local/event-source-mapping.js';
import { invocationLine } from '../../local/invocation-line.js';

const invocation = (overrides: Partial<Invocation>): Invocation => ({
  functionName: 'salesforceWriter',
  size: 3,
  waitedMs: 0,
  startedAt: 1000,
  endedAt: 1040,
  failed: 0,
  outcome: 'ok',
  ...overrides,
});
const summary = (processed: number, retried: number, deadLettered: number) => ({
  consumer: 'salesforce',
  size: processed + retried + deadLettered,
  processed,
  retried,
  deadLettered,
});

describe('the line npm start prints per batch', () => {
  it('says what the consumer did, never "ok" when messages were dead-lettered', () => {
    expect(invocationLine(invocation({ summary: summary(1, 0, 2) }))).toBe(
      '[salesforceWriter] batch of 3: 1 processed, 2 dead-lettered in 40 ms',
    );
    expect(invocationLine(invocation({ summary: summary(3, 0, 0) }))).toBe(
      '[salesforceWriter] batch of 3: 3 processed in 40 ms',
    );
  });

  it('counts retries as Lambda sees them: the failures reported', () => {
    expect(invocationLine(invocation({ outcome: 'partial', failed: 1, summary: summary(1, 1, 1) }))).toBe(
      '[salesforceWriter] batch of 3: 1 processed, 1 retried, 1 dead-lettered in 40 ms',
    );
  });

  it('names a failed invocation and leaves the whole batch to be retried', () => {
    expect(invocationLine(invocation({ outcome: 'timeout', failed: 3, error: 'function timeout' }))).toBe(
      '[salesforceWriter] batch of 3: timed out, 3 retried in 40 ms',
    );
    expect(invocationLine(invocation({ outcome: 'crashed', failed: 3, error: 'exited (code 1)' }))).toBe(
      '[salesforceWriter] batch of 3: crashed, 3 retried in 40 ms (exited (code 1))',
    );
  });

  it("falls back on Lambda's view for a handler that publishes no summary", () => {
    expect(invocationLine(invocation({ outcome: 'partial', failed: 1 }))).toBe(
      '[salesforceWriter] batch of 3: 2 ok, 1 retried in 40 ms',
    );
  });
});
