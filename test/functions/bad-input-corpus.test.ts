import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { hmacSignature } from '../../lib/http/signature.js';
import type { HttpEvent } from '../../lib/http/types.js';
import type { TermsRecordIntent } from '../../lib/terms/intents.js';
import type { TicketSyncIntent } from '../../lib/tickets/intents.js';
import type { RequestTweak, TermsCase, ZendeskCase } from '../support/bad-inputs/case.js';
import { TERMS_CASES } from '../support/bad-inputs/terms.js';
import { ZENDESK_CASES } from '../support/bad-inputs/zendesk.js';
import { FakeQueueGateway } from '../support/fake-queue-gateway.js';

const SALESFORCE_QUEUE = 'https://sqs.us-east-1.amazonaws.com/000000000000/salesforce';
const ZENDESK_QUEUE = 'https://sqs.us-east-1.amazonaws.com/000000000000/zendesk';
const SECRET = 'corpus-secret';

// The functions read their settings at cold start, as in Lambda: set them before loading.
Object.assign(process.env, {
  SALESFORCE_QUEUE_URL: SALESFORCE_QUEUE,
  SALESFORCE_DLQ_URL: `${SALESFORCE_QUEUE}-dlq`,
  MIXPANEL_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/mixpanel',
  MIXPANEL_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/mixpanel-dlq',
  ZENDESK_QUEUE_URL: ZENDESK_QUEUE,
  ZENDESK_DLQ_URL: `${ZENDESK_QUEUE}-dlq`,
  ZENDESK_WEBHOOK_SECRET: SECRET,
  TERMS_WEBHOOK_SECRET: SECRET,
});
const zendeskWebhook = await import('../../functions/zendesk-webhook.js');
const termsWebhook = await import('../../functions/terms-webhook.js');

interface Route {
  path: string;
  signatureHeader: string;
  timestampHeader: string;
  timestamp(offsetSeconds: number): string;
}
const ZENDESK: Route = {
  path: '/webhooks/zendesk',
  signatureHeader: 'x-zendesk-webhook-signature',
  timestampHeader: 'x-zendesk-webhook-signature-timestamp',
  timestamp: (offset) => new Date(Date.now() + offset * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
};
const TERMS: Route = {
  path: '/webhooks/terms',
  signatureHeader: 'x-switchboard-signature',
  timestampHeader: 'x-switchboard-timestamp',
  timestamp: (offset) => String(Math.floor(Date.now() / 1000) + offset),
};

/** An HTTP API (payload 2.0) request, signed as the route's sender signs it unless the case says otherwise. */
function request(route: Route, body: string, tweak: RequestTweak = {}): HttpEvent {
  const timestamp =
    tweak.signature === 'impossible-timestamp'
      ? '2026-02-30T10:00:00Z'
      : route.timestamp(tweak.signature === 'stale' ? -600 : 0);
  const headers: Record<string, string> = {
    [route.timestampHeader]: timestamp,
    [route.signatureHeader]: hmacSignature(tweak.signature === 'wrong' ? 'not-the-secret' : SECRET, timestamp, body),
  };
  if (tweak.contentType !== null) headers['content-type'] = tweak.contentType ?? 'application/json';
  if (tweak.signature === 'missing') delete headers[route.signatureHeader];
  if (tweak.signature === 'no-timestamp') delete headers[route.timestampHeader];
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: `POST ${route.path}`,
    rawPath: route.path,
    rawQueryString: '',
    headers,
    requestContext: {
      requestId: 'corpus',
      http: { method: 'POST', path: route.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'corpus' },
    } as APIGatewayProxyEventV2['requestContext'],
    body,
    isBase64Encoded: false,
  };
  return event as HttpEvent;
}

async function post(
  route: Route,
  handler: (event: HttpEvent, context: Context) => Promise<{ statusCode?: number; body?: string }>,
  testCase: ZendeskCase | TermsCase,
): Promise<{ status: number | undefined; error: string }> {
  const body = testCase.raw ?? JSON.stringify(testCase.body);
  const result = await handler(request(route, body, testCase.request), {} as Context);
  const json = JSON.parse(result.body ?? '{}') as { error?: string };
  return { status: result.statusCode, error: json.error ?? '' };
}

const parsed = <T>(queue: FakeQueueGateway): T[] =>
  queue.sent.flatMap((batch) => batch.messages.map((message) => JSON.parse(message.body) as T));

describe('bad-input corpus: POST /webhooks/zendesk', () => {
  it.each(ZENDESK_CASES.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    const queue = new FakeQueueGateway();
    const handler = zendeskWebhook.createHandler({
      queue,
      secret: SECRET,
      salesforceQueueUrl: SALESFORCE_QUEUE,
      zendeskQueueUrl: ZENDESK_QUEUE,
      zendeskApiUrl: undefined,
    });

    const answer = await post(ZENDESK, handler, testCase);

    expect(answer.status).toBe(testCase.status);
    if (testCase.names !== undefined) expect(answer.error).toContain(testCase.names);
    if (!testCase.enqueued) {
      expect(queue.sent).toEqual([]);
      return;
    }
    const { enqueued } = testCase;
    expect(queue.sent.map((batch) => batch.queueUrl)).toEqual([
      enqueued.queue === 'salesforce' ? SALESFORCE_QUEUE : ZENDESK_QUEUE,
    ]);
    const [intent, ...more] = parsed<TicketSyncIntent>(queue);
    expect(more).toEqual([]);
    expect(enqueued.read(intent!.change)).toEqual(enqueued.expected);
  });
});

describe('bad-input corpus: POST /webhooks/terms', () => {
  it.each(TERMS_CASES.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    const queue = new FakeQueueGateway();
    const handler = termsWebhook.createHandler({ queue, secret: SECRET, salesforceQueueUrl: SALESFORCE_QUEUE });

    const answer = await post(TERMS, handler, testCase);

    expect(answer.status).toBe(testCase.status);
    if (testCase.names !== undefined) expect(answer.error).toContain(testCase.names);
    if (!testCase.enqueued) {
      expect(queue.sent).toEqual([]);
      return;
    }
    const acceptances = parsed<TermsRecordIntent>(queue).map((intent) => intent.acceptance);
    expect(acceptances).toHaveLength(testCase.enqueued.count);
    expect(testCase.enqueued.read(acceptances)).toEqual(testCase.enqueued.expected);
  });
});

describe('bad-input corpus', () => {
  it('has at least 80 cases over both routes, every refusal naming what is wrong', () => {
    const all = [...ZENDESK_CASES, ...TERMS_CASES];

    expect(all.length).toBeGreaterThanOrEqual(80);
    expect(all.filter((testCase) => testCase.status >= 400 && !testCase.names)).toEqual([]);
  });
});
