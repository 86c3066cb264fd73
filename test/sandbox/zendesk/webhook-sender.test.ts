import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SANDBOX_WEBHOOK_ID,
  formatSignatureTimestamp,
  sendWebhook,
  signWebhook,
  webhookHeaders,
} from '../../../sandbox/zendesk/index.js';
import { startReceiver } from './receiver.js';

const SECRET = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==';
const BODY = '{"type":"zen:event-type:ticket.created","detail":{"id":"35436"}}';
const TIMESTAMP = '2024-04-17T17:18:10Z';

describe('signWebhook', () => {
  it('signs timestamp + body with HMAC-SHA256, base64', () => {
    const independent = createHmac('sha256', SECRET).update(`${TIMESTAMP}${BODY}`).digest('base64');

    const headers = signWebhook(BODY, SECRET, TIMESTAMP);

    expect(headers).toEqual({
      'X-Zendesk-Webhook-Signature': independent,
      'X-Zendesk-Webhook-Signature-Timestamp': TIMESTAMP,
    });
  });

  it('formats a Date timestamp to the second, as Zendesk sends it', () => {
    const at = new Date('2024-04-17T17:18:10.987Z');

    expect(formatSignatureTimestamp(at)).toBe(TIMESTAMP);
    expect(signWebhook(BODY, SECRET, at)).toEqual(signWebhook(BODY, SECRET, TIMESTAMP));
  });

  it('gives a different signature when one byte of the body changes', () => {
    const tampered = BODY.replace('35436', '35437');

    const signature = (body: string): string => signWebhook(body, SECRET, TIMESTAMP)['X-Zendesk-Webhook-Signature'];

    expect(signature(tampered)).not.toBe(signature(BODY));
  });
});

describe('webhookHeaders', () => {
  it('sends the headers of a Zendesk webhook request, with stable ids for the same body and time', () => {
    const headers = webhookHeaders(BODY, { secret: SECRET, timestamp: TIMESTAMP, accountId: 123 });

    expect(headers).toMatchObject({
      'Content-Type': 'application/json',
      'User-Agent': 'Zendesk Webhook',
      'X-Zendesk-Account-Id': '123',
      'X-Zendesk-Webhook-Id': SANDBOX_WEBHOOK_ID,
      'X-Zendesk-Webhook-Invocation-Id': expect.stringMatching(/^\d+$/),
      'X-Zendesk-Webhook-Signature-Timestamp': TIMESTAMP,
    });
    const again = webhookHeaders(BODY, { secret: SECRET, timestamp: TIMESTAMP });
    expect(again['X-Zendesk-Webhook-Invocation-Id']).toBe(headers['X-Zendesk-Webhook-Invocation-Id']);
  });
});

describe('sendWebhook', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    receiver = await startReceiver(SECRET);
  });
  afterEach(async () => receiver.stop());

  it('posts a body the receiver can verify, and returns its answer', async () => {
    const body = { type: 'zen:event-type:ticket.created', id: 'e1' };

    const answer = await sendWebhook(receiver.url, body, { secret: SECRET, webhookId: '01J0TESTWEBH00K0000000000A' });

    expect(answer).toMatchObject({ status: 202, body: '{"verified":true}' });
    expect(receiver.received[0]).toMatchObject({
      body: '{"type":"zen:event-type:ticket.created","id":"e1"}',
      verified: true,
      headers: {
        'x-zendesk-webhook-id': '01J0TESTWEBH00K0000000000A',
        'user-agent': 'Zendesk Webhook',
        'content-type': 'application/json',
      },
    });
  });

  it('fails verification when signed with another secret', async () => {
    const answer = await sendWebhook(receiver.url, BODY, { secret: 'another-secret' });

    expect(answer.status).toBe(401);
    expect(receiver.received[0]?.verified).toBe(false);
  });

  it('gives up after the timeout when the receiver does not answer', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;

    const sending = sendWebhook(`http://127.0.0.1:${port}/`, BODY, { secret: SECRET, timeoutMs: 100 });

    await expect(sending).rejects.toThrow(/timeout|aborted/i);
    silent.closeAllConnections();
    silent.close();
  });
});
