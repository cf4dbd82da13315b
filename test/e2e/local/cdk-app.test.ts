/**
 * A CDK app unlike Longhaul's own (test/fixtures/cdk-app), synthesized once with the CDK CLI and
 * served by the CloudFormation runner on a virtual clock. One chain runs through every resource:
 * the hourly Scheduler schedule starts the state machine, which prices the order in a
 * NodejsFunction, puts it into the table and sends a shipment to the queue; the queue's event
 * source mapping hands the shipment to a second NodejsFunction, which writes it into the table.
 * A shipment the function cannot read is moved to the dead-letter queue by the queue's redrive
 * policy.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { VirtualScheduler } from '../../../engine/runtime/clock.ts';
import { localClientConfig } from '../../../local/services/clients.ts';
import { startCloudApp, type CloudAppStack } from '../../../local/cloudformation/run.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
// half a minute before the hour: the schedule's cron(0 * * * ? *) ticks first at 01:00:00Z
const START_MS = Date.UTC(2024, 0, 1, 0, 59, 30);
const FIRST_TICK_MS = Date.UTC(2024, 0, 1, 1, 0, 0);
const dir = mkdtempSync(join(tmpdir(), 'longhaul-cdk-app-'));
const scheduler = new VirtualScheduler(START_MS);
let running: CloudAppStack;
let sfn: SFNClient;
let dynamodb: DynamoDBClient;
let sqs: SQSClient;

beforeAll(async () => {
  // the CDK CLI runs the app with the Node 24 that runs this test (it needs type stripping)
  const path = `${dirname(process.execPath)}:${join(ROOT, 'node_modules/.bin')}:${process.env.PATH ?? ''}`;
  execFileSync(join(ROOT, 'node_modules/.bin/cdk'), ['synth', '--quiet', '--app', 'node --disable-warning=ExperimentalWarning test/fixtures/cdk-app/app.ts', '--output', join(dir, 'cdk.out')], {
    cwd: ROOT, stdio: 'pipe', env: { ...process.env, PATH: path },
  });
  running = await startCloudApp({ app: join(dir, 'cdk.out'), workDir: join(dir, 'work'), scheduler, onLambdaLog: () => {} });
  const region = running.stack.engine.region;
  sfn = new SFNClient(localClientConfig(running.stack.api.url, region));
  dynamodb = new DynamoDBClient(localClientConfig(running.stack.dynamodb.endpoint, region));
  sqs = new SQSClient(localClientConfig(running.stack.services.endpoint, region));
}, 180_000);

afterAll(async () => {
  sfn?.destroy();
  dynamodb?.destroy();
  sqs?.destroy();
  await running?.stack.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The local name of the resource CDK named after the construct `id` (the id and a hash). */
function localName(id: string): string {
  const r = running.app.resources.find((m) => new RegExp(`^${id}[0-9A-F]{8}$`).test(m.logicalId));
  if (!r || r.outcome.kind !== 'run') throw new Error(`no resource ${id} runs`);
  return r.outcome.localName;
}

async function finished(executionArn: string): Promise<DescribeExecutionCommandOutput> {
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await sleep(50);
  }
}

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('a synthesized CDK app on the local stack', () => {
  it('runs every resource of the app or lists it', () => {
    // Assess
    expect(running.app.resources.map((r) => [r.logicalId.replace(/[0-9A-F]{8}$/, ''), r.type, r.outcome.kind]).sort()).toEqual([
      ['CDKMetadata', 'AWS::CDK::Metadata', 'needsNothing'],
      ['Checkout', 'AWS::StepFunctions::StateMachine', 'run'],
      ['CheckoutRole', 'AWS::IAM::Role', 'needsNothing'],
      ['CheckoutRoleDefaultPolicy', 'AWS::IAM::Policy', 'needsNothing'],
      ['HourlyCheckout', 'AWS::Scheduler::Schedule', 'run'],
      ['Orders', 'AWS::DynamoDB::GlobalTable', 'run'],
      ['Price', 'AWS::Lambda::Function', 'run'],
      ['PriceServiceRole', 'AWS::IAM::Role', 'needsNothing'],
      ['SchedulerRoleForTargetcfed1c', 'AWS::IAM::Role', 'needsNothing'],
      ['SchedulerRoleForTargetcfed1cDefaultPolicy', 'AWS::IAM::Policy', 'needsNothing'],
      ['Ship', 'AWS::Lambda::Function', 'run'],
      ['ShipServiceRole', 'AWS::IAM::Role', 'needsNothing'],
      ['ShipServiceRoleDefaultPolicy', 'AWS::IAM::Policy', 'needsNothing'],
      ['ShipSqsEventSourceOrdersShipments734A3272', 'AWS::Lambda::EventSourceMapping', 'run'],
      ['Shipments', 'AWS::SQS::Queue', 'run'],
      ['ShipmentsDeadLetter', 'AWS::SQS::Queue', 'run'],
    ]);
    // nothing runs only in part
    expect(running.app.resources.flatMap((r) => (r.outcome.kind === 'run' ? r.outcome.partlyNotRun ?? [] : []))).toEqual([]);
  });

  it('runs the hourly schedule at its first tick through the state machine, the queue and its event source mapping into the table', async () => {
    // Prepare
    const stateMachineArn = running.stack.stateMachines.checkout;
    const queue = localName('Shipments');
    const deadLetter = localName('ShipmentsDeadLetter');
    const table = localName('Orders');
    const tickArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:hourly-checkout-20240101T010000Z`;

    // Act
    // a schedule never moves the virtual clock by itself: the test lets the first tick pass
    await scheduler.sleepUntil(FIRST_TICK_MS + 1).promise;
    const started = await eventually(async () => {
      const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
      return executions?.length ? executions : undefined;
    }, 'an execution the schedule starts');
    const done = await finished(tickArn);
    const items = await eventually(async () => {
      const { Items } = await dynamodb.send(new ScanCommand({ TableName: table }));
      return (Items?.length ?? 0) >= 2 ? Items : undefined;
    }, 'the shipment in the table');

    // Assess
    // Scheduler's name for a tick: the schedule's and the tick's time
    expect(started.map((e) => e.name)).toEqual(['hourly-checkout-20240101T010000Z']);
    expect([done.status, done.error, done.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(JSON.parse(done.input ?? '{}')).toEqual({ orderId: 'o-1', quantity: 4, scheduledAt: '2024-01-01T01:00:00Z' });
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({ shipment: { MessageId: expect.any(String) } });
    const { MessageId } = (JSON.parse(done.output ?? '{}') as { shipment: { MessageId: string } }).shipment;
    const { Attributes: { QueueArn: queueArn } = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: running.stack.queues[queue], AttributeNames: ['QueueArn'] }));
    expect(items.sort((a, b) => a.orderId.S!.localeCompare(b.orderId.S!))).toEqual([
      { orderId: { S: 'o-1' }, total: { N: '50' }, queue: { S: running.stack.queues[queue] } },
      { orderId: { S: 'shipment#o-1' }, total: { N: '50' }, messageId: { S: MessageId }, source: { S: queueArn } },
    ]);
    // the function succeeded, so the mapping deleted the shipment, and nothing was moved aside
    const left = async (name: string) => {
      const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: running.stack.queues[name], AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
      return [name, Attributes.ApproximateNumberOfMessages, Attributes.ApproximateNumberOfMessagesNotVisible];
    };
    expect([await left(queue), await left(deadLetter)]).toEqual([[queue, '0', '0'], [deadLetter, '0', '0']]);
  }, 40_000);

  it('moves a shipment the function keeps failing on to the dead-letter queue after maxReceiveCount receives', async () => {
    // Prepare
    const queue = localName('Shipments');
    const deadLetter = localName('ShipmentsDeadLetter');
    await sqs.send(new SendMessageCommand({ QueueUrl: running.stack.queues[queue], MessageBody: 'not a shipment' }));

    // Act
    // three receives, each failing and each followed by the queue's visibility timeout (30 s), then
    // the receive that finds the count spent and moves it
    await scheduler.sleepUntil(scheduler.now() + 4 * 30_000 + 1).promise;
    const moved = await eventually(async () => {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: running.stack.queues[deadLetter] }));
      return Messages?.length ? Messages : undefined;
    }, 'the shipment in the dead-letter queue');

    // Assess
    expect(moved.map((m) => m.Body)).toEqual(['not a shipment']);
  }, 40_000);
});
