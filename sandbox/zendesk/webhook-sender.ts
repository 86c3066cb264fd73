import { createHash } from 'node:crypto';
import { SANDBOX_WEBHOOK_ID, defaultZendeskConfig } from './config.js';
import { signWebhook } from './webhook-signature.js';

/** Zendesk gives up on a webhook request after about 10-12 s (unverified: keep it configurable). */
const DEFAULT_TIMEOUT_MS = 12_000;

export interface SendWebhookOptions {
  secret: string;
  /** Signature time; defaults to now. Receivers reject stale ones, so tests set it to probe that. */
  timestamp?: string | Date;
  accountId?: number;
  webhookId?: string;
  /** Zendesk's id of this delivery attempt; derived from the body and time when not given. */
  invocationId?: string;
  timeoutMs?: number;
}

/** What came back, with the headers that were sent so a test can replay or tamper with them. */
export interface WebhookResponse {
  status: number;
  body: string;
  requestHeaders: Record<string, string>;
}

/**
 * The full header set of a Zendesk webhook request (documentation/webhooks/anatomy-of-a-webhook-request):
 * account, webhook and invocation ids, the signature pair, JSON content type and Zendesk's user agent.
 */
export function webhookHeaders(body: string, options: SendWebhookOptions): Record<string, string> {
  const signed = signWebhook(body, options.secret, options.timestamp ?? new Date());
  const stamp = signed['X-Zendesk-Webhook-Signature-Timestamp'];
  const digest = createHash('sha256')
    .update(stamp + body)
    .digest('hex');
  const invocationId = options.invocationId ?? BigInt(`0x${digest.slice(0, 12)}`).toString();
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'Zendesk Webhook',
    'X-Zendesk-Account-Id': String(options.accountId ?? defaultZendeskConfig.accountId),
    'X-Zendesk-Webhook-Id': options.webhookId ?? SANDBOX_WEBHOOK_ID,
    'X-Zendesk-Webhook-Invocation-Id': invocationId,
    ...signed,
  };
}

/** POSTs a body (an object is serialized once, and that exact string is signed) as Zendesk would. */
export async function sendWebhook(
  url: string,
  body: string | object,
  options: SendWebhookOptions,
): Promise<WebhookResponse> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const requestHeaders = webhookHeaders(payload, options);
  const response = await fetch(url, {
    method: 'POST',
    headers: requestHeaders,
    body: payload,
    signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  });
  return { status: response.status, body: await response.text(), requestHeaders };
}
