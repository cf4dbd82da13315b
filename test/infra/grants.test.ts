import { describe, expect, it } from '@jest/globals';
import { Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Stack } from 'aws-cdk-lib';
import type { HandlerFunction } from '../../infra/constructs/handler-function.ts';
import { allStatements, buildLonghaul, grantsOf, sortGrants, type Grant } from './support.ts';

const { reportEtl: r, queueDrain: q, nightlyExport: n, config } = buildLonghaul();

const writesItsLogs = (stack: Stack, f: HandlerFunction): Grant => ({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [stack.resolve(f.logGroup.logGroupArn)] });
const usesIdempotency = (stack: Stack, table: { table: { tableArn: string } }): Grant => ({
  actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  resources: [stack.resolve(table.table.tableArn)],
});
const readsSecret = (stack: Stack, arn: string): Grant => ({ actions: ['secretsmanager:GetSecretValue'], resources: [stack.resolve(arn)] });
/** What CDK adds for logging ALL and X-Ray; AWS accepts only "*" for these actions. */
const stateMachineTelemetry: Grant[] = [
  {
    actions: ['logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 'logs:DescribeLogGroups', 'logs:DescribeResourcePolicies', 'logs:GetLogDelivery', 'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:UpdateLogDelivery'],
    resources: ['*'],
  },
  { actions: ['xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'], resources: ['*'] },
];

const fns = r.functions;
const cases: [string, Stack, iam.IRole, Grant[]][] = [
  ['upload-report', r, fns.uploadReport.role, [writesItsLogs(r, fns.uploadReport), readsSecret(r, r.biApiKey.secretArn), usesIdempotency(r, r.idempotency)]],
  ['start-etl-job', r, fns.startEtlJob.role, [writesItsLogs(r, fns.startEtlJob), readsSecret(r, r.biApiKey.secretArn), usesIdempotency(r, r.idempotency)]],
  ['check-etl-job', r, fns.checkEtlJob.role, [writesItsLogs(r, fns.checkEtlJob), readsSecret(r, r.biApiKey.secretArn)]],
  ['notify', r, fns.notify.role, [
    writesItsLogs(r, fns.notify),
    usesIdempotency(r, r.idempotency),
    {
      actions: ['ses:SendEmail'],
      resources: [r.resolve(r.formatArn({ service: 'ses', resource: 'identity', resourceName: config.sesIdentity }))],
      condition: { StringEquals: { 'ses:FromAddress': config.emailFrom } },
    },
  ]],
  ['callback-receiver', r, r.callbacks.receiver.role, [
    writesItsLogs(r, r.callbacks.receiver),
    readsSecret(r, r.callbacks.webhookSecret.secretArn),
    { actions: ['states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess'], resources: ['*'] },
  ]],
  ['start-from-s3', r, fns.startFromS3.role, [
    writesItsLogs(r, fns.startFromS3),
    { actions: ['states:StartExecution'], resources: [r.resolve(r.workflow.stateMachineArn)] },
    {
      actions: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      resources: [r.resolve(r.triggerQueue.queueArn)],
    },
  ]],
  ['report-etl state machine', r, r.workflow.role, [
    { actions: ['lambda:InvokeFunction'], resources: [fns.uploadReport, fns.startEtlJob, fns.checkEtlJob, fns.notify].map((f) => r.resolve(f.functionArn)) },
    { actions: ['states:StartExecution'], resources: [r.resolve(r.workflow.stateMachineArn)] },
    ...stateMachineTelemetry,
  ]],
  ['process-batch', q, q.processBatch.role, [
    writesItsLogs(q, q.processBatch),
    usesIdempotency(q, q.idempotency),
    { actions: ['sqs:DeleteMessage', 'sqs:ReceiveMessage'], resources: [q.resolve(q.queue.queueArn)] },
  ]],
  ['queue-drain state machine', q, q.workflow.role, [
    { actions: ['lambda:InvokeFunction'], resources: [q.resolve(q.processBatch.functionArn)] },
    { actions: ['states:StartExecution'], resources: [q.resolve(q.workflow.stateMachineArn)] },
    ...stateMachineTelemetry,
  ]],
  ['nightly-export notify', n, n.notify.role, [
    writesItsLogs(n, n.notify),
    usesIdempotency(n, n.idempotency),
    {
      actions: ['ses:SendEmail'],
      resources: [n.resolve(n.formatArn({ service: 'ses', resource: 'identity', resourceName: config.sesIdentity }))],
      condition: { StringEquals: { 'ses:FromAddress': config.emailFrom } },
    },
  ]],
  ['start-on-schedule', n, n.schedule.starter.role, [
    writesItsLogs(n, n.schedule.starter),
    { actions: ['states:StartExecution'], resources: [n.resolve(n.workflow.stateMachineArn)] },
  ]],
  ['the nightly schedule', n, n.schedule.role, [
    { actions: ['lambda:InvokeFunction'], resources: [n.resolve(n.schedule.starter.functionArn)] },
    { actions: ['sqs:SendMessage'], resources: [n.resolve(n.schedule.deadLetters.queueArn)] },
  ]],
  ['nightly-export state machine', n, n.workflow.role, [
    { actions: ['lambda:InvokeFunction'], resources: [n.resolve(n.notify.functionArn)] },
    { actions: ['states:StartExecution'], resources: [n.resolve(n.workflow.stateMachineArn)] },
    { actions: ['s3:ListBucket'], resources: [{ 'Fn::ImportValue': 'longhaul-reports-bucket-arn' }], condition: { StringLike: { 's3:prefix': ['results/*'] } } },
    { actions: ['s3:PutObject'], resources: [{ 'Fn::Join': ['', [{ 'Fn::ImportValue': 'longhaul-reports-bucket-arn' }, '/exports/*']] }] },
    ...stateMachineTelemetry,
  ]],
];

describe('grants', () => {
  it.each(cases)('%s has exactly its grants', (_name, stack, role, expected) => {
    // Act
    const grants = grantsOf(stack, role);

    // Assess
    expect(grants).toEqual(sortGrants(expected));
  });

  it('queue-drain: the scaling rules may start the drain state machine and nothing else', () => {
    const statements = allStatements(Template.fromStack(q)).filter(({ logicalId }) => logicalId.includes('EventsRole'));

    expect(statements.map(({ statement }) => [statement.Action, statement.Resource])).toEqual([
      ['states:StartExecution', q.resolve(q.workflow.stateMachine.stateMachineArn)],
    ]);
  });

  it.each([['report-etl', r], ['queue-drain', q], ['nightly-export', n]] as const)('%s: no IAM statement has a wildcard in an action', (_name, stack) => {
    const statements = allStatements(Template.fromStack(stack));

    const wildcards = statements.flatMap(({ logicalId, statement }) =>
      (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).filter((a) => a.includes('*')).map((a) => `${logicalId}: ${a}`));

    expect(statements.length).toBeGreaterThan(0);
    expect(wildcards).toEqual([]);
  });

  it.each([['report-etl', r], ['queue-drain', q], ['nightly-export', n]] as const)('%s: Resource "*" only for actions that AWS allows on nothing narrower', (_name, stack) => {
    // a prefix of object keys is not "*": the exports' prefix is as narrow as one export a day allows
    const onlyStar = new Set([...stateMachineTelemetry.flatMap((g) => g.actions), 'states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat']);

    const broad = allStatements(Template.fromStack(stack))
      .filter(({ statement }) => JSON.stringify(statement.Resource).replace('/exports/*', '').includes('*'))
      .flatMap(({ statement }) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]))
      .filter((a) => !onlyStar.has(a));

    expect(broad).toEqual([]);
  });
});
