/**
 * One object created in the local S3 is one "Object Created" event and starts one execution of the
 * rule's state machine, whichever way it was created: PutObject, CopyObject, a multipart upload or
 * a (presigned) POST Object. fauxqs tells its store's spy about a form upload twice; that must not
 * become two events, as it once did (two report-etl executions for one report).
 */
import { describe, it, expect, afterEach } from '@jest/globals';
import { CopyObjectCommand, CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { testEngines } from '../../../support/engine-env.ts';
import { rawRequest } from '../../../support/raw-http.ts';
import type { ObjectCreated } from '../../../../local/services/local-services.ts';
import { EventRules, type RuleExecution } from '../../../../local/triggers/rules.ts';
import { PRESIGNED_FIELDS, formPost, localServices, uniqueName, type LocalEnv } from '../local-env.ts';

const local = localServices();
const testEngine = testEngines();
const open: (() => void)[] = [];
afterEach(() => {
  for (const close of open.splice(0)) close();
});

/** Creates `key` in `bucket`, a way S3 has. */
type Creation = (env: LocalEnv, bucket: string, key: string) => Promise<unknown>;

describe('an object created in the local S3', () => {
  it.each<[string, string, Creation]>([
    ['PutObject', 'PutObject', (env, bucket, key) => env.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'a,b\n1,2\n' }))],
    ['CopyObject', 'CopyObject', async (env, bucket, key) => {
      await env.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'source.csv', Body: 'a,b\n' }));
      return env.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: `${bucket}/source.csv` }));
    }],
    ['a multipart upload', 'CompleteMultipartUpload', (env, bucket, key) => new Upload({ client: env.s3, params: { Bucket: bucket, Key: key, Body: Buffer.alloc(6 * 1024 * 1024, 7) } }).done()],
    ['a presigned POST Object', 'POST Object', async (env, bucket, key) => {
      const answer = await rawRequest(env.services.endpoint, formPost(bucket, key, 'a,b\n1,2\n', PRESIGNED_FIELDS));
      if (answer.status !== 204) throw new Error(`POST Object answered ${answer.status}: ${answer.body}`);
    }],
  ])('by %s is announced once, as %s, and starts one execution', async (_way, reason, create) => {
    // Prepare
    const env = local();
    const bucket = uniqueName('once');
    await env.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const engine = testEngine();
    const machine = engine.create({ StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } });
    const rules = new EventRules({ engine: engine.engine });
    rules.put({
      name: 'reports-in', stateMachineArn: machine,
      eventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [bucket] }, object: { key: [{ prefix: 'reports/' }] } } },
    });
    const started: RuleExecution[] = [];
    rules.onExecution((e) => started.push(e));
    const announced: ObjectCreated[] = [];
    open.push(rules.connectS3(env.services), env.services.onObjectCreated((o) => announced.push(o)), () => rules.close());

    // Act: the announcement and the start happen before S3 answers
    await create(env, bucket, 'reports/q3.csv');

    // Assess
    expect(announced.filter((o) => o.key === 'reports/q3.csv').map((o) => o.reason)).toEqual([reason]);
    expect(started).toHaveLength(1);
    expect(engine.engine.listExecutions({ stateMachineArn: machine })).toHaveLength(1);
  });
});
