import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EnvironmentCrashed, type ExecutionEnvironment } from './execution-environment.js';

export interface InvokableFunction {
  /** The name in serverless.yml, e.g. `usagePlanner`. */
  name: string;
  timeoutSeconds: number;
  /** A fresh execution environment of the function (a cold start). */
  environment(): ExecutionEnvironment;
}

export interface LambdaInvokeApiOptions {
  functions: readonly InvokableFunction[];
  /** Deployed names are `<service>-<stage>-<name>`: `switchboard-local-`. */
  namePrefix: string;
  region: string;
  /** Told about each invocation, e.g. `[usagePlanner] invoked: ok in 120 ms`. */
  onInvoke?: (line: string) => void;
}

// Lambda's limit on a synchronous request's payload (docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
// Invocations of one function in flight at once; Lambda's account limit is far higher, a laptop's is not.
const MAX_CONCURRENT = 5;
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

type Outcome = { kind: 'result'; response: unknown } | { kind: 'error'; errorType: string; errorMessage: string };

/**
 * The Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`) over the functions of
 * serverless.yml, so `@aws-sdk/client-lambda` with a local `endpoint` works as against AWS:
 * `200` with the handler's JSON result; a handler error, a timeout or a crash `200` with
 * `X-Amz-Function-Error: Unhandled` and `{ errorType, errorMessage }`; an unknown function `404`
 * `ResourceNotFoundException`; `InvocationType: Event` answers `202` and runs it in the background.
 * Each invocation runs alone in an execution environment of its own (a worker thread), kept for
 * the next one as Lambda keeps a warm environment, and replaced after a timeout or a crash.
 */
export class LambdaInvokeApi {
  private readonly functions = new Map<string, InvokableFunction>();
  private readonly idle = new Map<string, ExecutionEnvironment[]>();
  private readonly busy = new Map<string, number>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly all = new Set<ExecutionEnvironment>();

  constructor(private readonly options: LambdaInvokeApiOptions) {
    for (const fn of options.functions) this.functions.set(fn.name, fn);
  }

  handles(method: string, path: string): boolean {
    return method === 'POST' && INVOKE_PATH.test(path);
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const requestId = randomUUID();
    const requested = decodeURIComponent(INVOKE_PATH.exec(url.pathname)?.[1] ?? '');
    const fn = this.find(requested);
    if (!fn)
      return awsError(res, 404, 'ResourceNotFoundException', `Function not found: ${this.arnOf(requested)}`, requestId);
    const body = await readBody(req);
    if (body === 'too-large')
      return awsError(res, 413, 'RequestTooLargeException', 'Request must be smaller than 6291456 bytes', requestId);
    let event: unknown;
    try {
      event = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as unknown);
    } catch {
      return awsError(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json', requestId);
    }
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (type === 'DryRun') return send(res, 204, requestId);
    if ((this.busy.get(fn.name) ?? 0) >= MAX_CONCURRENT)
      return awsError(res, 429, 'TooManyRequestsException', 'Rate Exceeded.', requestId);
    const running = this.invoke(fn, event, requestId);
    this.inFlight.add(running);
    void running.finally(() => this.inFlight.delete(running));
    if (type === 'Event') return send(res, 202, requestId);
    const outcome = await running;
    if (outcome.kind === 'result') return send(res, 200, requestId, JSON.stringify(outcome.response ?? null));
    const { errorType, errorMessage } = outcome;
    send(res, 200, requestId, JSON.stringify({ errorType, errorMessage, trace: [] }), {
      'X-Amz-Function-Error': 'Unhandled',
    });
  }

  /** Waits for the invocations in flight (each ends by its timeout), then ends every environment. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await Promise.all([...this.all].map((environment) => environment.kill()));
  }

  /** By its name in serverless.yml, its deployed name or its ARN (`…:function:<name>`). */
  private find(requested: string): InvokableFunction | undefined {
    const name = requested.replace(/^arn:[^:]+:lambda:[^:]*:[^:]*:function:/, '').replace(/:[^:]+$/, '');
    return this.functions.get(
      name.startsWith(this.options.namePrefix) ? name.slice(this.options.namePrefix.length) : name,
    );
  }

  private arnOf(name: string): string {
    return name.startsWith('arn:') ? name : `arn:aws:lambda:${this.options.region}:000000000000:function:${name}`;
  }

  private async invoke(fn: InvokableFunction, event: unknown, requestId: string): Promise<Outcome> {
    const startedAt = Date.now();
    const pool = this.idle.get(fn.name) ?? [];
    this.idle.set(fn.name, pool);
    const environment = pool.pop() ?? this.created(fn);
    this.busy.set(fn.name, (this.busy.get(fn.name) ?? 0) + 1);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), fn.timeoutSeconds * 1000);
    });
    let outcome: Outcome;
    let reusable = true;
    try {
      const invocation = environment.invoke(event, startedAt + fn.timeoutSeconds * 1000);
      // After a timeout the kill below ends it with a rejection nobody waits for any more.
      invocation.catch(() => undefined);
      const answer = await Promise.race([invocation, timedOut]);
      if (answer === 'timeout') {
        reusable = false;
        outcome = {
          kind: 'error',
          errorType: 'Sandbox.Timedout',
          errorMessage: `RequestId: ${requestId} Error: Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`,
        };
      } else outcome = { kind: 'result', response: answer.response };
    } catch (error) {
      reusable = !(error instanceof EnvironmentCrashed);
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      outcome = { kind: 'error', errorType: reusable ? name : 'Runtime.ExitError', errorMessage: message };
    } finally {
      clearTimeout(timer);
      this.busy.set(fn.name, (this.busy.get(fn.name) ?? 1) - 1);
    }
    if (reusable) pool.push(environment);
    else {
      this.all.delete(environment);
      await environment.kill();
    }
    const how = outcome.kind === 'result' ? 'ok' : `${outcome.errorType}: ${outcome.errorMessage}`;
    this.options.onInvoke?.(`[${fn.name}] invoked: ${how} in ${Date.now() - startedAt} ms`);
    return outcome;
  }

  private created(fn: InvokableFunction): ExecutionEnvironment {
    const environment = fn.environment();
    this.all.add(environment);
    return environment;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(
  res: ServerResponse,
  status: number,
  requestId: string,
  body?: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-requestid': requestId,
    ...(status === 200 ? { 'x-amz-executed-version': '$LATEST' } : {}),
    ...headers,
  });
  res.end(body);
}

/** An error of the API itself: the SDK reads its code from `x-amzn-errortype` and its message from the body. */
function awsError(res: ServerResponse, status: number, type: string, message: string, requestId: string): void {
  send(res, status, requestId, JSON.stringify({ Type: 'User', message }), { 'x-amzn-errortype': type });
}
