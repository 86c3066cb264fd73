import { MAX_REASON_CHARS, operatorReason } from '../../../lib/sqs/reason.js';

describe('operatorReason', () => {
  it('keeps a short reason as it is', () => {
    expect(operatorReason('INVALID_FIELD: No such column Foo__c on Case')).toBe(
      'INVALID_FIELD: No such column Foo__c on Case',
    );
  });

  it('drops the value Salesforce echoes in a too-long error and masks e-mail addresses', () => {
    const reason = operatorReason(
      'STRING_TOO_LONG: Subject: data value too large: Refund for jane.doe@example.com now (max length=255) ' +
        '[Subject]; INVALID_EMAIL_ADDRESS: Email: invalid email address: not-an-email; owner bob@corp.example.org',
    );
    expect(reason).toBe(
      'STRING_TOO_LONG: Subject: data value too large (max length=255) [Subject]; ' +
        'INVALID_EMAIL_ADDRESS: Email: invalid email address; owner <email>',
    );
  });

  it('caps a long reason and marks the cut', () => {
    const reason = operatorReason('y'.repeat(130_000));
    expect(reason.length).toBe(MAX_REASON_CHARS);
    expect(reason.endsWith(' …[truncated]')).toBe(true);
  });
});
