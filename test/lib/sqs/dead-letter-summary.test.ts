import { describeBody } from '../../../lib/sqs/dead-letter-summary.js';

describe('describeBody', () => {
  it('names the intent, its count and its ids, not the data', () => {
    // Arrange
    const body = JSON.stringify({
      type: 'terms.record',
      acceptance: { acceptance_id: 'acc-42', user_id: 'u-7', email: 'ann@example.com', ip: '203.0.113.9' },
    });

    // Act
    const summary = describeBody(body);

    // Assert
    expect(summary).toBe('terms.record acceptance_id=acc-42 user_id=u-7');
  });

  it('takes the count and the intent from the attributes of a pack, and masks an id that is an e-mail address', () => {
    // Act
    const pack = describeBody(JSON.stringify({ data: 'H4sI…', distinct_id: 'ann@example.com' }), {
      intent: 'mixpanel.events',
      count: '12',
    });

    // Assert
    expect(pack).toBe('mixpanel.events count=12 distinct_id=<email>');
  });

  it('says what a body that is not an intent is, without repeating it', () => {
    // Act and Assert
    expect(describeBody('hello ann@example.com')).toBe('not JSON (21 bytes)');
    expect(describeBody('[1,2]')).toBe('JSON array');
  });
});
