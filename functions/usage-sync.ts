import { parseEnv, ssmParameterReader } from '../lib/config.js';
import * as z from '../lib/zod-mini.js';
import { BACKOFF } from '../lib/sqs/backoff.js';
import { createBatchConsumer } from '../lib/sqs/consumer.js';
import { UsageChunk } from '../lib/usage/sync/chunks.js';
import { usageSyncDeps } from '../lib/usage/sync/container.js';
import { handleUsageChunk } from '../lib/usage/sync/handle-chunk.js';

// Built once per container: config, the state store, S3, queues, one Salesforce session.
const deps = await usageSyncDeps(ssmParameterReader);
const settings = parseEnv({
  USAGE_DLQ_URL: z.url(),
  MAX_RECEIVE_COUNT: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 25),
});

/**
 * Consumer of the usage queue: one chunk of a night per invocation (batch size 1), so a chunk
 * that fails is retried alone and each stays well inside the function's time and memory.
 */
export const handler = createBatchConsumer({
  name: 'usage',
  schema: UsageChunk,
  queue: deps.queue,
  queueUrl: deps.usageQueueUrl,
  dlqUrl: settings.USAGE_DLQ_URL,
  maxReceiveCount: settings.MAX_RECEIVE_COUNT,
  backoff: BACKOFF.salesforce,
  handleBatch: async (messages) => {
    const results = [];
    for (const message of messages) {
      try {
        await handleUsageChunk(message.body, deps);
        results.push(undefined);
      } catch (error) {
        results.push(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return results;
  },
});
