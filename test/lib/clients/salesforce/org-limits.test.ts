import type { HttpRequest } from 'jsforce';
import { PermanentError } from '../../../../lib/errors.js';
import { readDailyApiRequests } from '../../../../lib/clients/salesforce/org-limits.js';
import type { SalesforceSession } from '../../../../lib/clients/salesforce/session.js';

/** A session that answers every request with `answer` and keeps what was asked. */
function sessionAnswering(answer: unknown): { session: SalesforceSession; asked: HttpRequest[] } {
  const asked: HttpRequest[] = [];
  const session = {
    request: async (request: HttpRequest) => {
      asked.push(request);
      return answer;
    },
  } as unknown as SalesforceSession;
  return { session, asked };
}

describe('readDailyApiRequests', () => {
  it("reads DailyApiRequests from one GET /limits: the org's max, remaining and so used", async () => {
    // Arrange
    const { session, asked } = sessionAnswering({
      DailyApiRequests: { Max: 15000, Remaining: 14250 },
      DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 },
    });

    // Act
    const figure = await readDailyApiRequests(session);

    // Assert
    expect(figure).toEqual({ max: 15000, remaining: 14250, used: 750 });
    expect(asked).toEqual([{ method: 'GET', url: '/limits' }]);
  });

  it('refuses an answer without DailyApiRequests', async () => {
    // Arrange
    const { session } = sessionAnswering({ DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 } });

    // Act
    const read = readDailyApiRequests(session);

    // Assert
    await expect(read).rejects.toThrow(PermanentError);
    await expect(read).rejects.toThrow('without DailyApiRequests');
  });
});
