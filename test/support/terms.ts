import { hmacSignature } from '../../lib/http/signature.js';

/** An acceptance as the app posts it. */
export function acceptanceBody(n: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    acceptance_id: `acc-${n}`,
    user_id: `u_${String(n).padStart(6, '0')}`,
    email: `user${String(n).padStart(6, '0')}@example.com`,
    account_id: 'acc_000001',
    terms_version: '2026-01',
    accepted_at: '2026-11-20T09:15:00Z',
    ip: '203.0.113.7',
    user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15',
    terms_url: 'https://example.com/terms/2026-01',
    terms_sha256: 'a'.repeat(64),
    ...overrides,
  };
}

/** Headers of the hub's terms webhook scheme: base64 HMAC-SHA256 of timestamp + body. */
export function termsSignature(
  secret: string,
  body: string,
  timestamp = String(Math.floor(Date.now() / 1000)),
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-switchboard-timestamp': timestamp,
    'x-switchboard-signature': hmacSignature(secret, timestamp, body),
  };
}
