/**
 * A CDK app unlike Longhaul's own (test/fixtures/cdk-app: a table, a queue, a NodejsFunction and a
 * state machine from DefinitionBody.fromChainable), synthesized with the CDK CLI and served by the
 * CloudFormation runner: the state machine, started through the real SFN client, prices the order
 * in the function and puts it into the table.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { localClientConfig } from '../../../local/services/clients.ts';
import { startCloudApp, type CloudAppStack } from '../../../local/cloudformation/run.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'longhaul-cdk-app-'));
let running: CloudAppStack;
let sfn: SFNClient;
let dynamodb: DynamoDBClient;

beforeAll(async () => {
  // the CDK CLI runs the app with the Node 24 that runs this test (it needs type stripping)
  const path = `${dirname(process.execPath)}:${join(ROOT, 'node_modules/.bin')}:${process.env.PATH ?? ''}`;
  execFileSync(join(ROOT, 'node_modules/.bin/cdk'), ['synth', '--quiet', '--app', 'node --disable-warning=ExperimentalWarning test/fixtures/cdk-app/app.ts', '--output', join(dir, 'cdk.out')], {
    cwd: ROOT, stdio: 'pipe', env: { ...process.env, PATH: path },
  });
  running = await startCloudApp({ app: join(dir, 'cdk.out'), workDir: join(dir, 'work'), onLambdaLog: () => {} });
  sfn = new SFNClient(localClientConfig(running.stack.api.url, running.stack.engine.region));
  dynamodb = new DynamoDBClient(localClientConfig(running.stack.dynamodb.endpoint, running.stack.engine.region));
}, 180_000);

afterAll(async () => {
  sfn?.destroy();
  dynamodb?.destroy();
  await running?.stack.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function finished(executionArn: string) {
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await sleep(50);
  }
}

describe('a synthesized CDK app on the local stack', () => {
  it('runs every resource of the app or lists it', () => {
    // Assess
    expect(running.app.resources.map((r) => [r.type, r.outcome.kind]).sort()).toEqual([
      ['AWS::CDK::Metadata', 'needsNothing'],
      ['AWS::DynamoDB::GlobalTable', 'run'],
      ['AWS::IAM::Policy', 'needsNothing'],
      ['AWS::IAM::Role', 'needsNothing'],
      ['AWS::IAM::Role', 'needsNothing'],
      ['AWS::Lambda::Function', 'run'],
      ['AWS::SQS::Queue', 'run'],
      ['AWS::StepFunctions::StateMachine', 'run'],
    ]);
  });

  it('starts the state machine through the SFN API and sees it succeed with the order in the table', async () => {
    // Prepare
    const stateMachineArn = running.stack.stateMachines.checkout;
    const table = running.app.config.tables?.[0].name ?? '';
    // Act
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ orderId: 'o-1', quantity: 4 }) }));
    const done = await finished(executionArn!);
    // Assess
    expect([done.status, done.error, done.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: table, Key: { orderId: { S: 'o-1' } } }));
    expect(Item).toEqual({ orderId: { S: 'o-1' }, total: { N: '50' }, queue: { S: running.stack.queues[running.app.config.queues?.[0] as string] } });
  }, 60_000);
});
