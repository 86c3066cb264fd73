import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What SSM's JSON protocol received: the operation (X-Amz-Target), its signature and its body. */
interface Received {
  target: string | undefined;
  contentType: string | undefined;
  authorization: string | undefined;
  body: { Name?: string; WithDecryption?: boolean };
}

/** SigV4 for SSM in the configured region, over the operation's header too. */
const SIGNED_FOR_SSM = new RegExp(
  '^AWS4-HMAC-SHA256 Credential=AKIDTEST/\\d{8}/eu-west-3/ssm/aws4_request, ' +
    'SignedHeaders=\\S*x-amz-target\\S*, Signature=[0-9a-f]{64}$',
);

/** An SSM error answer as the JSON protocol sends it; `header` puts the name in `x-amzn-errortype`. */
function fail(response: ServerResponse, status: number, type: string, options: { header?: boolean } = {}): void {
  response.statusCode = status;
  if (options.header) response.setHeader('x-amzn-errortype', type);
  response.end(
    JSON.stringify(options.header ? { message: `${type} here` } : { __type: type, message: `${type} here` }),
  );
}

describe('readSsmParameter', () => {
  const received: Received[] = [];
  const values: Record<string, string> = {
    '/sb/ci/token': 's3cret',
    '/sb/ci/throttled': 'after-throttling',
    '/sb/ci/flaky': 'after-500',
  };
  /** How many answers of each name fail before the value comes. */
  const failures = new Map<string, number>();
  let server: Server;
  const saved = { ...process.env };

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received['body'];
        received.push({
          target: request.headers['x-amz-target'] as string | undefined,
          contentType: request.headers['content-type'],
          authorization: request.headers.authorization,
          body,
        });
        const name = body.Name ?? '';
        response.setHeader('content-type', 'application/x-amz-json-1.1');
        const left = failures.get(name) ?? 0;
        if (left > 0) failures.set(name, left - 1);
        if (name === '/sb/ci/denied') fail(response, 400, 'AccessDeniedException');
        else if (name === '/sb/ci/namespaced-missing')
          fail(response, 400, 'com.amazonaws.ssm#ParameterNotFound:http://internal.amazon.com/', { header: true });
        else if (left > 0 && name === '/sb/ci/throttled') fail(response, 400, 'ThrottlingException');
        else if (left > 0) fail(response, 500, 'InternalServerError');
        else if (values[name] === undefined) fail(response, 400, 'ParameterNotFound');
        else response.end(JSON.stringify({ Parameter: { Name: name, Type: 'SecureString', Value: values[name] } }));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      AWS_REGION: 'eu-west-3',
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_MAX_ATTEMPTS: '3',
    });
  });

  beforeEach(() => {
    received.length = 0;
  });

  afterAll(async () => {
    process.env = saved;
    server.close();
    await once(server, 'close');
  });

  it('reads the decrypted value with GetParameter, signed for SSM in the configured region', async () => {
    const { readSsmParameter } = await import('../../lib/ssm-parameter.js');

    const value = await readSsmParameter('/sb/ci/token');

    expect(value).toBe('s3cret');
    expect(received).toEqual([
      {
        target: 'AmazonSSM.GetParameter',
        contentType: 'application/x-amz-json-1.1',
        authorization: expect.stringMatching(SIGNED_FOR_SSM),
        body: { Name: '/sb/ci/token', WithDecryption: true },
      },
    ]);
  });

  it('reads a parameter that does not exist as missing, however the error is named', async () => {
    const { readSsmParameter } = await import('../../lib/ssm-parameter.js');

    await expect(readSsmParameter('/sb/ci/absent')).resolves.toBeUndefined();
    await expect(readSsmParameter('/sb/ci/namespaced-missing')).resolves.toBeUndefined();
    expect(received).toHaveLength(2);
  });

  it('retries throttling and 5xx answers, then reads the value', async () => {
    const { readSsmParameter } = await import('../../lib/ssm-parameter.js');
    failures.set('/sb/ci/throttled', 2);
    failures.set('/sb/ci/flaky', 1);

    await expect(readSsmParameter('/sb/ci/throttled')).resolves.toBe('after-throttling');
    await expect(readSsmParameter('/sb/ci/flaky')).resolves.toBe('after-500');
    expect(received.map((request) => request.body.Name)).toEqual([
      '/sb/ci/throttled',
      '/sb/ci/throttled',
      '/sb/ci/throttled',
      '/sb/ci/flaky',
      '/sb/ci/flaky',
    ]);
  });

  it('gives up after AWS_MAX_ATTEMPTS, naming the error', async () => {
    const { readSsmParameter } = await import('../../lib/ssm-parameter.js');
    failures.set('/sb/ci/flaky', 5);

    await expect(readSsmParameter('/sb/ci/flaky')).rejects.toThrow(
      'SSM GetParameter failed (500 InternalServerError): InternalServerError here',
    );
    expect(received).toHaveLength(3);
    failures.clear();
  });

  it('fails at once on any other error', async () => {
    const { readSsmParameter } = await import('../../lib/ssm-parameter.js');

    await expect(readSsmParameter('/sb/ci/denied')).rejects.toThrow(
      'SSM GetParameter failed (400 AccessDeniedException): AccessDeniedException here',
    );
    expect(received).toHaveLength(1);
  });
});
