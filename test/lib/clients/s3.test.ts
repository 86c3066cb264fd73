import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { startFauxqs } from 'fauxqs';
import { createS3Client } from '../../../lib/clients/s3.js';
import { LOCAL_AWS_CREDENTIALS } from '../../../local/local-credentials.js';

describe('createS3Client', () => {
  let server: Awaited<ReturnType<typeof startFauxqs>>;
  const env = { ...process.env };

  beforeAll(async () => {
    server = await startFauxqs({ port: 0, logger: false });
    // The client takes the SDK's default credential chain, as in Lambda; locally that is the environment.
    process.env.AWS_ACCESS_KEY_ID = LOCAL_AWS_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = LOCAL_AWS_CREDENTIALS.secretAccessKey;
  });
  afterAll(async () => {
    process.env = env;
    await server.stop();
  });

  it('puts the bucket in the path for a local endpoint, where no DNS resolves <bucket>.127.0.0.1', async () => {
    server.createBucket('usage-exports');
    const s3 = createS3Client({ endpoint: server.address, region: 'us-east-1' });

    await s3.send(new PutObjectCommand({ Bucket: 'usage-exports', Key: 'night/part-00000.csv', Body: 'a\n' }));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'usage-exports' }));

    expect(s3.config.forcePathStyle).toBe(true);
    expect(listed.Contents?.map((object) => object.Key)).toEqual(['night/part-00000.csv']);
    s3.destroy();
  });

  it('leaves the endpoint and the addressing style to the SDK in AWS', async () => {
    const s3 = createS3Client({ region: 'eu-west-1' });

    expect(s3.config.forcePathStyle).toBe(false);
    expect(s3.config.endpoint).toBeUndefined();
    expect(await s3.config.region()).toBe('eu-west-1');
    s3.destroy();
  });
});
