import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { HttpGateway } from '../../local/http-gateway.js';
import type { ExecutionEnvironment } from '../../local/execution-environment.js';
import { LambdaInvokeApi, type InvokableFunction } from '../../local/lambda-invoke-api.js';
import { LOCAL_AWS_CREDENTIALS } from '../../local/local-credentials.js';

/** An environment that runs `handler` in this thread and counts its cold starts and kills. */
function environmentOf(handler: (event: unknown) => Promise<unknown>, counts: { starts: number; kills: number }) {
  return (): ExecutionEnvironment => {
    counts.starts += 1;
    let kill: (error: Error) => void = () => undefined;
    return {
      warm: () => Promise.resolve(),
      invoke: (event) =>
        new Promise((resolve, reject) => {
          kill = reject;
          handler(event).then((response) => resolve({ response, summaries: [] }), reject);
        }),
      kill: () => {
        counts.kills += 1;
        kill(new Error('killed'));
        return Promise.resolve();
      },
    };
  };
}

class Refused extends Error {
  override readonly name = 'Refused';
}

const counts = { starts: 0, kills: 0 };
const functions: InvokableFunction[] = [
  {
    name: 'echo',
    timeoutSeconds: 5,
    environment: environmentOf((event) => Promise.resolve({ got: event }), counts),
  },
  {
    name: 'failing',
    timeoutSeconds: 5,
    environment: environmentOf(() => Promise.reject(new Refused('no export for this night')), counts),
  },
  {
    name: 'slow',
    timeoutSeconds: 0.2,
    environment: environmentOf(() => new Promise(() => undefined), counts),
  },
];
const lines: string[] = [];
const api = new LambdaInvokeApi({
  functions,
  namePrefix: 'switchboard-local-',
  region: 'us-east-1',
  onInvoke: (line) => lines.push(line),
});
const gateway = new HttpGateway([], [api]);
let lambda: LambdaClient;

beforeAll(async () => {
  const url = await gateway.listen(0);
  lambda = new LambdaClient({ endpoint: url, region: 'us-east-1', credentials: LOCAL_AWS_CREDENTIALS });
});
afterAll(async () => {
  lambda.destroy();
  await gateway.close();
  await api.stop();
});

const invoke = async (name: string, payload?: unknown) => {
  const answer = await lambda.send(
    new InvokeCommand({
      FunctionName: name,
      ...(payload === undefined ? {} : { Payload: Buffer.from(JSON.stringify(payload)) }),
    }),
  );
  return {
    status: answer.StatusCode,
    error: answer.FunctionError,
    payload: JSON.parse(Buffer.from(answer.Payload ?? []).toString('utf8')) as unknown,
  };
};

describe('the local Lambda Invoke API', () => {
  it('invokes a function by its deployed name, short name or ARN, with the JSON payload as the event', async () => {
    const byDeployedName = await invoke('switchboard-local-echo', { asOf: '2026-12-01T02:00:00Z' });
    const byShortName = await invoke('echo');
    const byArn = await invoke('arn:aws:lambda:us-east-1:000000000000:function:switchboard-local-echo', [1]);

    expect(byDeployedName).toEqual({ status: 200, payload: { got: { asOf: '2026-12-01T02:00:00Z' } } });
    expect(byShortName).toEqual({ status: 200, payload: { got: {} } });
    expect(byArn).toEqual({ status: 200, payload: { got: [1] } });
    expect(lines).toContainEqual(expect.stringMatching(/^\[echo\] invoked: ok in \d+ ms$/));
  });

  it("answers a handler's error as Lambda does: 200, X-Amz-Function-Error Unhandled, type and message", async () => {
    const answer = await invoke('switchboard-local-failing');

    expect(answer).toEqual({
      status: 200,
      error: 'Unhandled',
      payload: { errorType: 'Refused', errorMessage: 'no export for this night', trace: [] },
    });
  });

  it('ends an invocation at the function timeout and replaces its environment', async () => {
    const before = { ...counts };

    const first = await invoke('slow');
    const second = await invoke('slow');

    expect(first).toMatchObject({
      status: 200,
      error: 'Unhandled',
      payload: { errorType: 'Sandbox.Timedout', errorMessage: expect.stringContaining('timed out after 0.20 seconds') },
    });
    expect(second.error).toBe('Unhandled');
    expect(counts.starts - before.starts).toBe(2);
    expect(counts.kills - before.kills).toBe(2);
  });

  it('keeps a warm environment for the next invocation', async () => {
    await invoke('echo');
    const before = counts.starts;

    await invoke('echo');

    expect(counts.starts).toBe(before);
  });

  it('refuses an unknown function with ResourceNotFoundException, as the SDK expects it', async () => {
    await expect(invoke('switchboard-local-nope')).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:switchboard-local-nope',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('runs an Event invocation in the background and answers 202 at once', async () => {
    const answer = await lambda.send(
      new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: Buffer.from('{}') }),
    );

    expect(answer.StatusCode).toBe(202);
  });
});
