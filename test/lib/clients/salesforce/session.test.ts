import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SalesforceSession } from '../../../../lib/clients/salesforce/session.js';
import { RetryableError } from '../../../../lib/errors.js';
import type { SalesforceEmulator } from '../../../../sandbox/salesforce/index.js';
import { configFor, startOrg } from './factories.js';

const LIMITS = { method: 'GET', url: '/limits' } as const;

/** The error a session's first call fails with when its token request fails. */
async function tokenFailure(session: SalesforceSession): Promise<RetryableError> {
  const error = await session.request(LIMITS).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  if (!(error instanceof RetryableError)) throw new Error(`expected a RetryableError, got ${String(error)}`);
  expect(session.isOrgWide(error)).toBe(true);
  return error;
}

/** A loopback server that answers every request with `status` and an HTML page, as a proxy in front might. */
async function htmlServer(status: number): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/html' });
    res.end('<html><body><h1>Bad Gateway</h1></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

describe('SalesforceSession token failures', () => {
  let sf: SalesforceEmulator;
  beforeEach(async () => {
    sf = await startOrg();
  });
  afterEach(async () => sf.stop());

  it('names the HTTP status and the OAuth error and description, never the secret', async () => {
    const secret = 'wrong-secret-6f1c';
    const error = await tokenFailure(new SalesforceSession(configFor(sf, { clientSecret: secret })));

    expect(error.message).toBe('Salesforce token request failed: HTTP 400 invalid_client: invalid client credentials');
    expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain(secret);
  });

  it('names the status and the error code of a body that is not an OAuth error', async () => {
    sf.setFaults({ errorRate: 1, errorStatus: 503 });

    const error = await tokenFailure(new SalesforceSession(configFor(sf)));

    expect(error.message).toBe(
      'Salesforce token request failed: HTTP 503 SERVER_UNAVAILABLE: Injected fault: service unavailable',
    );
  });

  it('names the status alone when the body is not JSON, without quoting the page', async () => {
    const proxy = await htmlServer(502);
    try {
      const error = await tokenFailure(new SalesforceSession(configFor(sf, { loginUrl: urlOf(proxy) })));

      expect(error.message).toBe('Salesforce token request failed: HTTP 502');
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('says that no answer came, and why, when the login URL cannot be reached', async () => {
    const closed = await htmlServer(200);
    const loginUrl = urlOf(closed);
    await new Promise((resolve) => closed.close(resolve));

    const error = await tokenFailure(new SalesforceSession(configFor(sf, { loginUrl })));

    expect(error.message).toMatch(/^Salesforce token request failed: no answer \(.*ECONNREFUSED.*\)$/);
  });

  it('says that no answer came in time', async () => {
    sf.setFaults({ timeoutRate: 1, hangMs: 2_000 });

    const error = await tokenFailure(new SalesforceSession(configFor(sf), { timeoutMs: 100 }));

    expect(error.message).toBe('Salesforce token request failed: no answer within 100 ms');
  });
});
