import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

// S3 takes up to 5 GB in one PutObject, but fauxqs refuses bodies over 11 MiB; multipart pieces
// must be at least 5 MiB but the last (docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html).
const PIECE_BYTES = 8 * 1024 * 1024;

/** Stores a body in one PutObject, or in a multipart upload of 8 MiB pieces when it is larger. */
export async function putObject(
  s3: S3Client,
  target: { bucket: string; key: string; contentType: string },
  body: Buffer,
): Promise<void> {
  const { bucket: Bucket, key: Key, contentType: ContentType } = target;
  if (body.length <= PIECE_BYTES) {
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: body, ContentType }));
    return;
  }
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType }));
  try {
    const parts: Array<{ ETag: string | undefined; PartNumber: number }> = [];
    for (let offset = 0, PartNumber = 1; offset < body.length; offset += PIECE_BYTES, PartNumber += 1) {
      const Body = body.subarray(offset, offset + PIECE_BYTES);
      const { ETag } = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body }));
      parts.push({ ETag, PartNumber });
    }
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
  } catch (error) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
    throw error;
  }
}
