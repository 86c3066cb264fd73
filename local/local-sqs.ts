import { SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import type { QueueDefinition } from './serverless-definition.js';

export interface LocalQueue {
  name: string;
  url: string;
  arn: string;
}

export type LocalSqsServer = Awaited<ReturnType<typeof startFauxqs>>;

export interface LocalSqs {
  server: LocalSqsServer;
  endpoint: string;
  client: SQSClient;
  stop(): Promise<void>;
}

/** Credentials the AWS SDK needs to sign requests; the local SQS does not check them. */
export const LOCAL_AWS_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Starts an in-process SQS-compatible server (fauxqs) on loopback. */
export async function startLocalSqs(port = 0, region = 'us-east-1'): Promise<LocalSqs> {
  const server = await startFauxqs({ port, logger: false, defaultRegion: region });
  const endpoint = server.address;
  const client = new SQSClient({ endpoint, region, credentials: LOCAL_AWS_CREDENTIALS });
  return {
    server,
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      await server.stop();
    },
  };
}

/** Creates the queues of serverless.yml, dead-letter queues first so redrive policies can name them. */
export function createQueues(server: LocalSqsServer, definitions: readonly QueueDefinition[]): Map<string, LocalQueue> {
  const created = new Map<string, LocalQueue>();
  const ordered = [...definitions].sort(
    (a, b) => Number(a.deadLetter !== undefined) - Number(b.deadLetter !== undefined),
  );
  for (const definition of ordered) {
    const attributes = { ...definition.attributes };
    if (definition.deadLetter) {
      const target = created.get(definition.deadLetter.logicalId);
      if (!target)
        throw new Error(
          `Queue ${definition.logicalId} names an unknown dead-letter queue ${definition.deadLetter.logicalId}`,
        );
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: target.arn,
        maxReceiveCount: definition.deadLetter.maxReceiveCount,
      });
    }
    const { queueUrl, queueArn } = server.createQueue(definition.name, { attributes });
    created.set(definition.logicalId, { name: definition.name, url: queueUrl, arn: queueArn });
  }
  return created;
}
