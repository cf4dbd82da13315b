import { expect, it } from '@jest/globals';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { fileURLToPath } from 'node:url';
import { createTestEnvironment } from '../../testing/index.ts';

const file = fileURLToPath(new URL('./fixtures/put-report.asl.json', import.meta.url));

it('gives S3, SQS and DynamoDB clients on the local stack, and a definition read from a file with its substitutions', async () => {
  // Prepare
  const env = await createTestEnvironment({
    localStack: { buckets: ['reports'] },
    stateMachines: { report: { file, substitutions: { ReportsBucket: 'reports' } } },
  });
  try {
    // Act
    const execution = await env.startAndWait('report', { rows: 3 });
    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.stopMs! - execution.startMs).toBe(1_800_000);
    const object = await env.s3!.send(new GetObjectCommand({ Bucket: 'reports', Key: 'report.json' }));
    expect(JSON.parse(await object.Body!.transformToString())).toEqual({ rows: 3 });
    expect(env.sqs).toBeDefined();
    expect(env.dynamodb).toBeDefined();
  } finally {
    await env.teardown();
  }
});

it('does not skip time while a service request is in flight', async () => {
  // a timeout that would fire if the clock jumped during the S3 call
  const definition = {
    StartAt: 'Put',
    States: {
      Put: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:s3:putObject', TimeoutSeconds: 5, Parameters: { Bucket: 'reports', Key: 'k', Body: 'x' }, End: true },
    },
  };
  const env = await createTestEnvironment({ localStack: { buckets: ['reports'] }, stateMachines: { put: definition } });
  try {
    const executions = await Promise.all([1, 2, 3, 4, 5].map(() => env.startAndWait('put')));
    expect(executions.map((e) => e.status)).toEqual(Array(5).fill('SUCCEEDED'));
    expect(env.now() - executions[0].startMs).toBeLessThan(5000);
  } finally {
    await env.teardown();
  }
});
