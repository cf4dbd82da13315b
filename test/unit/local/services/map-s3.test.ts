/**
 * A Distributed Map against the local S3: its ItemReader reads a CSV object and lists a prefix,
 * its ResultWriter writes the manifest and result files, through s3MapStorage.
 */
import { describe, it, expect } from '@jest/globals';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3MapStorage } from '../../../../local/services/map-s3.ts';
import { testEngines } from '../../../support/engine-env.ts';
import { localServices, uniqueName } from '../local-env.ts';

const local = localServices();
const testEngine = testEngines();

function distributed(fields: object): object {
  return {
    StartAt: 'M',
    States: {
      M: {
        Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
        ...fields, End: true,
      },
    },
  };
}

describe('Distributed Map on the local S3', () => {
  it('maps over a CSV object and writes its results to the local S3', async () => {
    // Prepare
    const { s3 } = local();
    const bucket = uniqueName('dmap');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'in/rows.csv', Body: 'id;name\n1;ann\n2;bob\n' }));
    const env = testEngine({ s3: Object.assign({}, s3MapStorage(s3).itemSource, s3MapStorage(s3).resultSink) });
    const fields = {
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', CSVDelimiter: 'SEMICOLON' },
        Parameters: { Bucket: bucket, Key: 'in/rows.csv' },
      },
      ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: bucket, Prefix: 'out' } },
    };

    // Act
    const { outcome } = await env.run(distributed(fields));

    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    const { Key } = (outcome as unknown as { output: { ResultWriterDetails: { Key: string } } }).output.ResultWriterDetails;
    const manifest = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key }))).Body!.transformToString()) as { ResultFiles: { SUCCEEDED: { Key: string }[] } };
    const results = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: manifest.ResultFiles.SUCCEEDED[0].Key }))).Body!.transformToString()) as { Output: string }[];
    expect(results.map((r) => JSON.parse(r.Output) as unknown)).toEqual([{ id: '1', name: 'ann' }, { id: '2', name: 'bob' }]);
  });

  it('lists the objects under a prefix as items', async () => {
    const { s3 } = local();
    const bucket = uniqueName('dmap');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const k of ['p/a.txt', 'p/b.txt', 'q/c.txt']) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: 'x' }));
    const env = testEngine({ s3: Object.assign({}, s3MapStorage(s3).itemSource, s3MapStorage(s3).resultSink) });

    const { outcome } = await env.run(distributed({ ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: bucket, Prefix: 'p/' } } }));

    expect(outcome).toMatchObject({ status: 'SUCCEEDED' });
    const items = (outcome as unknown as { output: { Key: string; Size: number; Etag: string; StorageClass: string; LastModified: number }[] }).output;
    expect(items.map((i) => [i.Key, i.Size, i.StorageClass])).toEqual([['p/a.txt', 1, 'STANDARD'], ['p/b.txt', 1, 'STANDARD']]);
    expect(items[0].Etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(typeof items[0].LastModified).toBe('number');
  });
});
