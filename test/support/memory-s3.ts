/**
 * An in-memory S3 for Distributed Map tests: the ItemSource and ResultSink the engine takes,
 * over a plain map of `bucket/key` to bytes.
 */
import { createHash } from 'node:crypto';
import type { ItemSource, ObjectSummary, ResultSink } from '../../engine/engine.ts';

export class MemoryS3 implements ItemSource, ResultSink {
  readonly objects = new Map<string, { body: Uint8Array; modifiedMs: number }>();
  /** puts fail with this message while set */
  failPuts?: string;

  put(bucket: string, key: string, body: string | Uint8Array, modifiedMs = 1_700_000_000_000): void {
    this.objects.set(`${bucket}/${key}`, { body: typeof body === 'string' ? Buffer.from(body) : body, modifiedMs });
  }

  /** An object's text, or undefined. */
  text(bucket: string, key: string): string | undefined {
    const o = this.objects.get(`${bucket}/${key}`);
    return o ? Buffer.from(o.body).toString('utf8') : undefined;
  }

  /** The parsed JSON of an object. */
  json(bucket: string, key: string): unknown {
    const t = this.text(bucket, key);
    if (t === undefined) throw new Error(`no object s3://${bucket}/${key}`);
    return JSON.parse(t);
  }

  keys(bucket: string): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith(`${bucket}/`)).map((k) => k.slice(bucket.length + 1)).sort();
  }

  async getObject(req: { bucket: string; key: string }): Promise<Uint8Array> {
    const o = this.objects.get(`${req.bucket}/${req.key}`);
    if (!o) throw new Error('NoSuchKey: The specified key does not exist.');
    return o.body;
  }

  async listObjects(req: { bucket: string; prefix?: string }): Promise<ObjectSummary[]> {
    return this.keys(req.bucket)
      .filter((k) => k.startsWith(req.prefix ?? ''))
      .map((Key) => {
        const o = this.objects.get(`${req.bucket}/${Key}`)!;
        return { Key, Etag: `"${createHash('md5').update(o.body).digest('hex')}"`, LastModified: Math.floor(o.modifiedMs / 1000), Size: o.body.byteLength, StorageClass: 'STANDARD' };
      });
  }

  async putObject(req: { bucket: string; key: string; body: string }): Promise<void> {
    if (this.failPuts) throw new Error(this.failPuts);
    this.put(req.bucket, req.key, req.body);
  }
}
