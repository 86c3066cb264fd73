import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startHub, type HubOptions, type RunningHub } from '../../local/hub.js';
import { SANDBOX_TERMS_WEBHOOK_SECRET, startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/launch.js';

const root = resolve(import.meta.dirname, '../..');

/**
 * The batching window of every queue in these tests, in place of serverless.yml's (up to 10 s):
 * each hop of a relay then waits a second. A test whose assertions depend on the real windows
 * passes `maxBatchingWindowSeconds: undefined` for serverless.yml's.
 */
export const TEST_BATCHING_WINDOW_SECONDS = 1;

/**
 * The whole hub on loopback over the three emulators, quiet, as `npm start` runs it but with short
 * batching windows; queues in a temporary folder.
 */
export async function startHubWithSandbox(
  env: Record<string, string> = {},
  sandboxOptions: SandboxOptions = {},
  hubOptions: Pick<HubOptions, 'consumersPaused' | 'onInvocation' | 'maxBatchingWindowSeconds'> = {},
): Promise<{ hub: RunningHub; sandbox: Sandbox; stop(): Promise<void> }> {
  const sandbox = await startSandbox(sandboxOptions);
  const queueDataDir = mkdtempSync(join(tmpdir(), 'hub-queues-'));
  const hub = await startHub({
    maxBatchingWindowSeconds: TEST_BATCHING_WINDOW_SECONDS,
    ...hubOptions,
    root,
    queueDataDir,
    env: {
      ...sandbox.env,
      TERMS_WEBHOOK_SECRET: SANDBOX_TERMS_WEBHOOK_SECRET,
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      ...env,
    },
  });
  return {
    hub,
    sandbox,
    stop: async () => {
      await hub.stop();
      await sandbox.stop();
      rmSync(queueDataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `probe` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Messages on a queue, visible or in flight. */
export async function queueDepth(hub: RunningHub, logicalId: string): Promise<number> {
  const { Attributes } = await hub.sqs.client.send(
    new GetQueueAttributesCommand({
      QueueUrl: hub.queues.get(logicalId)!.url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}
