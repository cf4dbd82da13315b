/**
 * Byte-exact S3 round trips through the local services with the AWS SDK's defaults (its default
 * checksums, its aws-chunked encoding for streams): 0 B to 64 MiB, each size put buffered, put
 * streamed and uploaded in parts, and each read back both streamed and whole.
 */
import { describe, it, expect } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { localServices, uniqueName } from '../local-env.ts';

const local = localServices();
const KiB = 1024;
const MiB = 1024 * KiB;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

/** Streams `data` in 64 KiB chunks, as a file read would. */
function chunked(data: Buffer): Readable {
  return Readable.from((function* () {
    for (let i = 0; i < data.length; i += 64 * KiB) yield data.subarray(i, i + 64 * KiB);
  })());
}

const ways = {
  'PutObject, buffered': async (bucket: string, key: string, data: Buffer) => {
    await local().s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data }));
  },
  'PutObject, streamed': async (bucket: string, key: string, data: Buffer) => {
    await local().s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: chunked(data), ContentLength: data.length }));
  },
  'Upload (multipart above 5 MiB), streamed': async (bucket: string, key: string, data: Buffer) => {
    await new Upload({ client: local().s3, params: { Bucket: bucket, Key: key, Body: chunked(data) } }).done();
  },
} as const;

const cases = [0, KiB, 5 * MiB, 64 * MiB].flatMap((size) => Object.keys(ways).map((way) => [size, way] as [number, keyof typeof ways]));

describe('S3 round trips', () => {
  it.each(cases)('returns the same %i bytes that %s stored, read streamed and whole', async (size, way) => {
    // Prepare
    const bucket = uniqueName('round-trip');
    await local().s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const data = randomBytes(size);
    const started = performance.now();

    // Act
    await ways[way](bucket, 'object.bin', data);
    const streamed = await local().s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'object.bin' }));
    const chunks: Buffer[] = [];
    for await (const c of streamed.Body as Readable) chunks.push(c as Buffer);
    const whole = await local().s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'object.bin' }));
    const wholeBytes = await whole.Body!.transformToByteArray();

    // Assess
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(data));
    expect(sha256(wholeBytes)).toBe(sha256(data));
    expect(whole.ContentLength).toBe(size);
    if (way !== 'Upload (multipart above 5 MiB), streamed' || size <= 5 * MiB) expect(whole.ETag).toBe(`"${md5(data)}"`);
    // bounded: 64 MiB takes about two seconds on the project's machine
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});
