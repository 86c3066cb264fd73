import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

/**
 * A tiny webhook receiver on loopback that checks the signature the way Zendesk's docs tell a
 * receiver to: HMAC-SHA256 over timestamp + raw body, base64, compared in constant time.
 */
export async function startReceiver(
  secret: string,
): Promise<{ url: string; received: ReceivedWebhook[]; stop: () => Promise<void> }> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(req.headers['x-zendesk-webhook-signature-timestamp'] ?? '');
      const expected = createHmac('sha256', secret)
        .update(timestamp + body)
        .digest();
      const given = Buffer.from(String(req.headers['x-zendesk-webhook-signature'] ?? ''), 'base64');
      const verified = given.length === expected.length && timingSafeEqual(given, expected);
      received.push({ headers: req.headers, body, verified });
      res.writeHead(verified ? 202 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ verified }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/zendesk`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
