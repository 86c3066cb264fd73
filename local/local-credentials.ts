/**
 * Credentials the AWS SDK needs to sign requests to the local hub's SQS, S3, DynamoDB and Lambda
 * API, which do not check them. A module of its own so a command can use them without loading the
 * local SQS server.
 */
export const LOCAL_AWS_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
