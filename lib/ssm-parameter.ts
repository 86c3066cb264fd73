import { partition } from '@aws-sdk/core/client';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { loadConfig, NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS } from '@smithy/core/config';
import { HttpRequest } from '@smithy/core/transport';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * SSM's GetParameter as one signed JSON request, built from the AWS SDK's own parts: its region
 * and credential chains, its SigV4 signer and its HTTP handler, which every function's SQS or
 * DynamoDB client brings anyway. `@aws-sdk/client-ssm` registers all 200 of SSM's error classes
 * and the schemas behind them at import: 83 KB of every bundle, some 17 ms of each cold start, for
 * the one operation the hub calls (README "Bundles and cold starts").
 */
interface SsmCall {
  url: URL;
  signer: SignatureV4;
  http: NodeHttpHandler;
}

/** What GetParameter answers with a 400 when the name is unknown (api: GetParameter, Errors). */
const NOT_FOUND = 'ParameterNotFound';
/** The errors the SDK's standard retry strategy retries, besides 5xx answers and dropped connections. */
const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded']);
/** Connections refused, reset or timed out before an answer, which the SDK retries too. */
const TRANSIENT = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);
const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 20_000;

/** An error answer of SSM, with the exception name an operator looks up. */
export class SsmError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(`SSM GetParameter failed (${status} ${code}): ${message}`);
    this.name = 'SsmError';
  }
}

let call: Promise<SsmCall> | undefined;

/**
 * One decrypted SecureString parameter; a parameter that does not exist reads as missing.
 * Throttling, 5xx answers and dropped connections are retried with the SDK's defaults: up to
 * `AWS_MAX_ATTEMPTS` (3) attempts, full-jitter exponential back-off from 100 ms.
 */
export async function readSsmParameter(name: string): Promise<string | undefined> {
  // A failed set-up (no region, say) is not kept: the next read tries again.
  call ??= ssmCall().catch((error: unknown) => {
    call = undefined;
    throw error;
  });
  const ssm = await call;
  const configured = Number(process.env.AWS_MAX_ATTEMPTS);
  const maxAttempts = Number.isInteger(configured) && configured > 0 ? configured : 3;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await getParameter(ssm, name);
    } catch (error) {
      if (attempt >= maxAttempts || !retryable(error)) throw error;
      const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
}

async function getParameter(ssm: SsmCall, name: string): Promise<string | undefined> {
  const body = JSON.stringify({ Name: name, WithDecryption: true });
  const request = new HttpRequest({
    method: 'POST',
    protocol: ssm.url.protocol,
    hostname: ssm.url.hostname,
    ...(ssm.url.port ? { port: Number(ssm.url.port) } : {}),
    path: ssm.url.pathname,
    headers: {
      host: ssm.url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonSSM.GetParameter',
      'content-length': String(Buffer.byteLength(body)),
    },
    body,
  });
  const { response } = await ssm.http.handle((await ssm.signer.sign(request)) as HttpRequest);
  const text = await readBody(response.body as AsyncIterable<Uint8Array> | undefined);
  const answer = parseJson(text) as Answer;
  if (response.statusCode === 200) return answer.Parameter?.Value;
  const code = errorCode(response.headers['x-amzn-errortype'] ?? answer.__type ?? answer.code);
  if (code === NOT_FOUND) return undefined;
  throw new SsmError(code, response.statusCode, answer.message ?? answer.Message ?? 'no message');
}

async function ssmCall(): Promise<SsmCall> {
  const region = await loadConfig(NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS)();
  const endpoint =
    process.env.AWS_ENDPOINT_URL_SSM ??
    process.env.AWS_ENDPOINT_URL ??
    `https://ssm.${region}.${partition(region).dnsSuffix}`;
  return {
    url: new URL(endpoint.endsWith('/') ? endpoint : `${endpoint}/`),
    signer: new SignatureV4({ service: 'ssm', region, credentials: defaultProvider(), sha256: Sha256 }),
    http: new NodeHttpHandler({ connectionTimeout: 3_000, requestTimeout: 10_000 }),
  };
}

/** A GetParameter answer: the parameter, or an error named as the JSON protocol names them. */
interface Answer {
  Parameter?: { Value?: string };
  __type?: string;
  code?: string;
  message?: string;
  Message?: string;
}

/** `x-amzn-errortype`, else the body's `__type`, as the SDK's JSON protocol reads them: `ns#Name:uri` → `Name`. */
function errorCode(raw: string | undefined): string {
  return raw?.split(':')[0]?.split('#').at(-1) || 'UnknownError';
}

function retryable(error: unknown): boolean {
  if (error instanceof SsmError) return error.status >= 500 || error.status === 429 || THROTTLING.has(error.code);
  if (!(error instanceof Error)) return false;
  return error.name === 'TimeoutError' || TRANSIENT.has((error as NodeJS.ErrnoException).code ?? '');
}

async function readBody(body: AsyncIterable<Uint8Array> | undefined): Promise<string> {
  if (!body) return '';
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}
