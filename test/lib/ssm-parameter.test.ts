import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What SSM's JSON protocol received: the operation (X-Amz-Target) and its body. */
interface Received {
  target: string | undefined;
  body: { Name?: string; WithDecryption?: boolean };
}

describe('readSsmParameter', () => {
  const received: Received[] = [];
  const values: Record<string, string> = { '/sb/ci/token': 's3cret' };
  /** Parameters the stub refuses to read, as SSM does without ssm:GetParameter on them. */
  const denied = new Set(['/sb/ci/denied']);
  let server: Server;
  const saved = { ...process.env };

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      const answer = (body: Received['body']): void => {
        received.push({ target: request.headers['x-amz-target'] as string | undefined, body });
        const value = body.Name === undefined ? undefined : values[body.Name];
        response.setHeader('content-type', 'application/x-amz-json-1.1');
        if (body.Name !== undefined && denied.has(body.Name)) {
          response.statusCode = 400;
          response.end(JSON.stringify({ __type: 'AccessDeniedException', message: 'denied' }));
        } else if (value === undefined) {
          response.statusCode = 400;
          response.end(JSON.stringify({ __type: 'ParameterNotFound', message: 'not found' }));
        } else {
          response.end(JSON.stringify({ Parameter: { Name: body.Name, Type: 'SecureString', Value: value } }));
        }
      };
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => answer(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received['body']));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_MAX_ATTEMPTS: '1',
    });
  });

  afterAll(async () => {
    process.env = saved;
    server.close();
    await once(server, 'close');
  });

  it('reads the decrypted value with GetParameter', async () => {
    const { readSsmParameter } = await import('../../lib/ssm-parameter.js');

    const value = await readSsmParameter('/sb/ci/token');

    expect(value).toBe('s3cret');
    expect(received.at(-1)).toEqual({
      target: 'AmazonSSM.GetParameter',
      body: { Name: '/sb/ci/token', WithDecryption: true },
    });
  });

  it('reads a parameter that does not exist as missing', async () => {
    const { readSsmParameter } = await import('../../lib/ssm-parameter.js');

    await expect(readSsmParameter('/sb/ci/absent')).resolves.toBeUndefined();
  });

  it('fails on any other error', async () => {
    const { readSsmParameter } = await import('../../lib/ssm-parameter.js');

    await expect(readSsmParameter('/sb/ci/denied')).rejects.toThrow('denied');
  });
});
