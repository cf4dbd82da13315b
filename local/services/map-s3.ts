/**
 * The local S3 behind a Distributed Map's ItemReader and ResultWriter: the engine's ItemSource
 * and ResultSink, through the same S3 client an application uses (path-style, at the local
 * services' endpoint).
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ItemSource, ObjectSummary, ResultSink } from '../../engine/engine.ts';

/**
 * @example
 * const engine = new Engine({ ...s3MapStorage(clients.s3('us-east-1')) }); // itemSource, resultSink
 */
export function s3MapStorage(s3: S3Client): { itemSource: ItemSource; resultSink: ResultSink } {
  const itemSource: ItemSource = {
    async getObject({ bucket, key, versionId }) {
      const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
      return r.Body ? await r.Body.transformToByteArray() : new Uint8Array();
    },
    async listObjects({ bucket, prefix }) {
      const out: ObjectSummary[] = [];
      let token: string | undefined;
      do {
        const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of r.Contents ?? []) {
          out.push({
            Key: o.Key ?? '', Etag: o.ETag ?? '', LastModified: Math.floor((o.LastModified?.getTime() ?? 0) / 1000),
            Size: o.Size ?? 0, StorageClass: o.StorageClass ?? 'STANDARD',
          });
        }
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
      return out;
    },
  };
  const resultSink: ResultSink = {
    async putObject({ bucket, key, body }) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
    },
  };
  return { itemSource, resultSink };
}
