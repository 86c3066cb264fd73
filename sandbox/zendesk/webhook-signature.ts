import { createHmac } from 'node:crypto';

/** The two headers a receiver verifies (developer.zendesk.com documentation/webhooks/verifying). */
export interface WebhookSignatureHeaders {
  'X-Zendesk-Webhook-Signature': string;
  'X-Zendesk-Webhook-Signature-Timestamp': string;
}

/** Zendesk's signature timestamp: UTC to the second, e.g. `2024-04-17T17:18:10Z`. */
export function formatSignatureTimestamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Signs a webhook body as Zendesk does: base64(HMAC-SHA256(secret, timestamp + body)), computed
 * over the exact bytes sent. A `Date` timestamp is formatted to the second first.
 */
export function signWebhook(body: string, secret: string, timestamp: string | Date): WebhookSignatureHeaders {
  const stamp = typeof timestamp === 'string' ? timestamp : formatSignatureTimestamp(timestamp);
  const signature = createHmac('sha256', secret)
    .update(stamp + body)
    .digest('base64');
  return { 'X-Zendesk-Webhook-Signature': signature, 'X-Zendesk-Webhook-Signature-Timestamp': stamp };
}
