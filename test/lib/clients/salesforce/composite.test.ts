import type { HttpRequest } from 'jsforce';
import { sendComposite, type CompositeSender } from '../../../../lib/clients/salesforce/composite.js';
import { PermanentError, RetryableError } from '../../../../lib/errors.js';

/** A session that answers every request with `answer` and keeps what was sent. */
function sessionAnswering(answer: unknown): { session: CompositeSender; sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  const session: CompositeSender = {
    request: <T>(request: HttpRequest) => {
      sent.push(request);
      return Promise.resolve(answer as T);
    },
  };
  return { session, sent };
}

const subrequests = [
  { method: 'PATCH' as const, url: '/services/data/v62.0/composite/sobjects/Case/Key__c', json: '{"records":[]}' },
  { method: 'GET' as const, url: '/services/data/v62.0/query?q=SELECT+Id+FROM+Case' },
  { method: 'PATCH' as const, url: '/services/data/v62.0/composite/sobjects/Case/Key__c', json: '{"records":[1]}' },
];

describe('sendComposite', () => {
  it('sends the subrequests in order, not collated, each with a referenceId and its body as given', async () => {
    const { session, sent } = sessionAnswering({ compositeResponse: [] });

    await sendComposite(session, subrequests);

    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'POST', url: '/composite' });
    expect(JSON.parse(sent[0]?.body as string)).toEqual({
      allOrNone: false,
      collateSubrequests: false,
      compositeRequest: [
        { method: 'PATCH', url: subrequests[0]?.url, referenceId: 'r0', body: { records: [] } },
        { method: 'GET', url: subrequests[1]?.url, referenceId: 'r1' },
        { method: 'PATCH', url: subrequests[2]?.url, referenceId: 'r2', body: { records: [1] } },
      ],
    });
  });

  it('maps each answer back by referenceId, whatever order the results come in', async () => {
    const { session } = sessionAnswering({
      compositeResponse: [
        { referenceId: 'r2', httpStatusCode: 200, body: ['third'] },
        { referenceId: 'r0', httpStatusCode: 200, body: ['first'] },
        { referenceId: 'r1', httpStatusCode: 200, body: { records: [] } },
      ],
    });

    const answers = await sendComposite(session, subrequests);

    expect(answers).toEqual([
      { ok: true, body: ['first'] },
      { ok: true, body: { records: [] } },
      { ok: true, body: ['third'] },
    ]);
  });

  it('classifies a failed subrequest as a whole call would be, and a missing result as retryable', async () => {
    const { session } = sessionAnswering({
      compositeResponse: [
        { referenceId: 'r0', httpStatusCode: 400, body: [{ errorCode: 'INVALID_FIELD', message: 'No such column' }] },
        { referenceId: 'r1', httpStatusCode: 503, body: [{ errorCode: 'SERVER_UNAVAILABLE', message: 'later' }] },
      ],
    });

    const [invalid, unavailable, missing] = await sendComposite(session, subrequests);

    const errorOf = (answer: typeof invalid) => (answer && !answer.ok ? answer.error : undefined);
    expect(errorOf(invalid)).toBeInstanceOf(PermanentError);
    expect(errorOf(invalid)).toMatchObject({ code: 'INVALID_FIELD', message: expect.stringContaining('400') });
    expect(errorOf(unavailable)).toBeInstanceOf(RetryableError);
    expect(errorOf(missing)).toBeInstanceOf(RetryableError);
  });

  it('retries a subrequest another one halted', async () => {
    const { session } = sessionAnswering({
      compositeResponse: [{ referenceId: 'r0', httpStatusCode: 400, body: [{ errorCode: 'PROCESSING_HALTED' }] }],
    });

    const [halted] = await sendComposite(session, subrequests.slice(0, 1));

    expect(halted && !halted.ok && halted.error).toBeInstanceOf(RetryableError);
  });
});
