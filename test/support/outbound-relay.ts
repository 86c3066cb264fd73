import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Between the Salesforce emulator and the hub: forwards each outbound message, and can lose the
 * hub's answer (the sender sees a 500 after the hub has taken the message), which is how a
 * listener gets the same notifications again. It starts before the hub, so the emulator can be
 * given its URL; `target` is set once the hub listens.
 */
export interface OutboundRelay {
  url: string;
  target: string | undefined;
  /** Messages the relay received, and how many of them reached the hub. */
  received: number;
  forwarded: number;
  /** Forward the next `count` messages but answer the sender a 500, as if the Ack were lost. */
  loseAcks(count: number): void;
  close(): Promise<void>;
}

export async function startOutboundRelay(path: string): Promise<OutboundRelay> {
  let lose = 0;
  const relay: OutboundRelay = {
    url: '',
    target: undefined,
    received: 0,
    forwarded: 0,
    loseAcks: (count) => {
      lose = count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      relay.received += 1;
      void (async () => {
        if (!relay.target) {
          res.writeHead(503).end();
          return;
        }
        const answer = await fetch(relay.target, {
          method: 'POST',
          headers: { 'content-type': req.headers['content-type'] ?? 'text/xml', soapaction: '""' },
          body: Buffer.concat(chunks),
        });
        const text = await answer.text();
        relay.forwarded += 1;
        if (lose > 0) {
          lose -= 1;
          res.writeHead(500, { 'content-type': 'text/plain' }).end('connection reset');
          return;
        }
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/xml' }).end(text);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  relay.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return relay;
}
