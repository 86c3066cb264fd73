import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SOAP_ACK } from '../../lib/outbound/soap.js';

/** An outbound-message listener on loopback that records each request and answers as told. */
export interface SoapListener {
  url: string;
  received: Array<{ contentType: string | undefined; body: string }>;
  /** Answers for the next requests, in order; after them every request gets the Ack. */
  failNext(statuses: number[]): void;
  close(): Promise<void>;
}

export async function startSoapListener(): Promise<SoapListener> {
  const received: SoapListener['received'] = [];
  let failures: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
      const status = failures.shift();
      res.writeHead(status ?? 200, { 'content-type': 'text/xml; charset=utf-8' });
      res.end(status ? '<soapenv:Fault/>' : SOAP_ACK);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/salesforce/listener-token`,
    received,
    failNext: (statuses) => {
      failures = [...statuses];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
