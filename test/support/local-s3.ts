import { S3Client } from '@aws-sdk/client-s3';
import { startFauxqs } from 'fauxqs';
import { LOCAL_AWS_CREDENTIALS } from '../../local/local-credentials.js';

export interface LocalS3 {
  endpoint: string;
  s3: S3Client;
  server: Awaited<ReturnType<typeof startFauxqs>>;
  stop(): Promise<void>;
}

/** An in-memory S3 (fauxqs) on a free loopback port, with a path-style client. */
export async function startLocalS3(): Promise<LocalS3> {
  const server = await startFauxqs({ port: 0, logger: false });
  const s3 = new S3Client({
    endpoint: server.address,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: LOCAL_AWS_CREDENTIALS,
  });
  return {
    endpoint: server.address,
    s3,
    server,
    stop: async () => {
      s3.destroy();
      await server.stop();
    },
  };
}
