/** CloudFormation resources mapped onto the local stack's config. */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonValue } from '../../../../engine/json.ts';
import type { AppStack } from '../../../../local/cloudformation/assembly.ts';
import type { CfnResource, CfnTemplate } from '../../../../local/cloudformation/intrinsics.ts';
import { mapApp, type MappedApp } from '../../../../local/cloudformation/map-resources.ts';
import { TemplateError } from '../../../../local/cloudformation/intrinsics.ts';

function stack(resources: Record<string, CfnResource>, extra: Partial<CfnTemplate> = {}, name = 'shop', dir = tmpdir(), assets: Record<string, string> = {}): AppStack {
  return { stackName: name, artifactId: name, template: { Resources: resources, ...extra }, dir, assets };
}

function outcomeOf(app: MappedApp, logicalId: string) {
  return app.resources.find((r) => r.logicalId === logicalId)?.outcome;
}

/** A code folder holding a bundled index.mjs, as CDK's NodejsFunction leaves one in cdk.out. */
function codeFolder(file = 'index.mjs'): string {
  const dir = mkdtempSync(join(tmpdir(), 'longhaul-cfn-code-'));
  mkdirSync(join(dir, 'asset.abc'));
  writeFileSync(join(dir, 'asset.abc', file), file.endsWith('.mjs') ? 'export const handler = async () => 1;\n' : 'exports.handler = async () => 1;\n');
  return dir;
}

const fn = (props: Record<string, JsonValue> = {}): CfnResource => ({
  Type: 'AWS::Lambda::Function',
  Properties: { Runtime: 'nodejs24.x', Handler: 'index.handler', Code: { S3Bucket: 'b', S3Key: 'abc.zip' }, ...props },
  Metadata: { 'aws:asset:path': 'asset.abc' },
});

describe('mapApp', () => {
  it('names a resource by its name property, else stably as CloudFormation does', () => {
    // Act
    const app = mapApp([stack({ Named: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'reports' } }, Generated: { Type: 'AWS::S3::Bucket' } })]);
    const again = mapApp([stack({ Named: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'reports' } }, Generated: { Type: 'AWS::S3::Bucket' } })]);
    // Assess
    expect(app.config.buckets?.[0]).toBe('reports');
    expect(app.config.buckets?.[1]).toMatch(/^shop-generated-[0-9a-f]{12}$/);
    expect(again.config.buckets).toEqual(app.config.buckets);
  });

  it('maps queues with their redrive policy, FIFO and visibility timeout', () => {
    const app = mapApp([stack({
      Dlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'dlq' } },
      Work: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'work.fifo', FifoQueue: true, VisibilityTimeout: 180, RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 5 } } },
    })]);
    expect(app.config.queues).toEqual(['dlq', { name: 'work.fifo', fifo: true, visibilityTimeoutSeconds: 180, deadLetter: { queue: 'dlq', maxReceiveCount: 5 } }]);
  });

  it('maps a table and a global table by their key schema', () => {
    const keys = { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }] };
    const app = mapApp([stack({ T: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'jobs', ...keys } }, G: { Type: 'AWS::DynamoDB::GlobalTable', Properties: { TableName: 'global', ...keys } } })]);
    expect(app.config.tables).toEqual([
      { name: 'jobs', partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'N' } },
      { name: 'global', partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'N' } },
    ]);
  });

  it('runs a nodejs function from its asset folder with its settings and resolved environment', () => {
    // Prepare
    const dir = codeFolder();
    const resources = {
      Q: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'work' } },
      F: fn({ FunctionName: 'worker', Timeout: 30, MemorySize: 256, ReservedConcurrentExecutions: 2, Environment: { Variables: { QUEUE_URL: { Ref: 'Q' }, REGION: { Ref: 'AWS::Region' } } } }),
    };
    // Act
    const app = mapApp([stack(resources, {}, 'shop', dir)]);
    // Assess
    expect(app.config.functions?.worker).toEqual({
      handler: `${join(dir, 'asset.abc', 'index.mjs')}#handler`, timeout: 30, memorySize: 256, concurrency: 2,
      environment: { QUEUE_URL: '{{queue:work}}', REGION: 'us-east-1' },
    });
  });

  it('finds a function code folder through the asset manifest when the template has no asset metadata', () => {
    const dir = codeFolder();
    const { Metadata: _m, ...bare } = fn({ FunctionName: 'worker' });
    const app = mapApp([stack({ F: bare }, {}, 'shop', dir, { 'abc.zip': join(dir, 'asset.abc') })]);
    expect(app.config.functions?.worker.handler).toBe(`${join(dir, 'asset.abc', 'index.mjs')}#handler`);
  });

  it('copies a CommonJS index.js folder with a package.json that says so, as Lambda reads .js as CommonJS', () => {
    const dir = codeFolder('index.js');
    const app = mapApp([stack({ F: fn({ FunctionName: 'worker' }) }, {}, 'shop', dir)]);
    expect(app.config.functions?.worker.handler).toBe('functions/worker/index.js#handler');
    expect(app.copies).toEqual([{ from: join(dir, 'asset.abc'), to: 'functions/worker', packageJson: '{ "type": "commonjs" }\n' }]);
  });

  it.each<[string, Record<string, JsonValue>, RegExp]>([
    ['a python function', { Runtime: 'python3.13' }, /only nodejs/],
    ['a container image', { PackageType: 'Image', Code: { ImageUri: 'x' } }, /container image/],
    ['code that is not an asset', { Code: { S3Bucket: 'b', S3Key: 'elsewhere.zip' } }, /not an asset/],
  ])('lists %s as not run, with why', (_what, props, reason) => {
    const { Metadata: _m, ...bare } = fn(props);
    const app = mapApp([stack({ F: bare })]);
    expect(outcomeOf(app, 'F')).toEqual({ kind: 'notRun', reason: expect.stringMatching(reason) });
    expect(app.config.functions).toBeUndefined();
  });

  it('maps a state machine with a Fn::Join definition whose queue URL becomes a substitution the stack fills', () => {
    const app = mapApp([stack({
      Q: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'work' } },
      Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'sm-role' } },
      SM: { Type: 'AWS::StepFunctions::StateMachine', Properties: {
        StateMachineName: 'flow', StateMachineType: 'EXPRESS', RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] },
        DefinitionString: { 'Fn::Join': ['', ['{"StartAt":"S","States":{"S":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Parameters":{"QueueUrl":"', { Ref: 'Q' }, '","MessageBody":"${Body}"},"End":true}}}']] },
        DefinitionSubstitutions: { Body: 'hi' },
      } },
    })]);
    expect(app.config.stateMachines).toEqual([{ name: 'flow', definitionFile: 'definitions/flow.asl.json', type: 'EXPRESS', roleArn: 'arn:aws:iam::123456789012:role/sm-role', substitutions: { Body: 'hi', LonghaulRef0: '{{queue:work}}' } }]);
    expect(app.files[0].content).toContain('"QueueUrl":"${LonghaulRef0}"');
  });

  it('maps a state machine with an inline Definition object and one from a DefinitionS3Location asset', () => {
    const app = mapApp([stack({
      Inline: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: 'inline', Definition: { StartAt: 'P', States: { P: { Type: 'Pass', Result: { 'Fn::Sub': '${AWS::AccountId}' }, End: true } } } } },
      FromFile: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: 'from-file', DefinitionS3Location: { Bucket: 'b', Key: 'def.json' } } },
    }, {}, 'shop', '/cdk.out', { 'def.json': '/cdk.out/asset.def.json' })]);
    expect(JSON.parse(app.files[0].content)).toEqual({ StartAt: 'P', States: { P: { Type: 'Pass', Result: '123456789012', End: true } } });
    expect(app.config.stateMachines?.[1]).toEqual({ name: 'from-file', definitionFile: '/cdk.out/asset.def.json' });
  });

  it('maps rules per target: Input, InputPath and InputTransformer kept, state machines, functions and queues run, topic targets listed', () => {
    const dir = codeFolder();
    const app = mapApp([stack({
      F: fn({ FunctionName: 'worker' }),
      SM: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: 'flow', Definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } } },
      Q: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'work' } },
      T: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'news' } },
      Nightly: { Type: 'AWS::Events::Rule', Properties: { Name: 'nightly', ScheduleExpression: 'cron(0 2 * * ? *)', Targets: [
        { Id: 'Sm', Arn: { Ref: 'SM' }, Input: '{"mode":"full"}' },
        { Id: 'Fn', Arn: { 'Fn::GetAtt': ['F', 'Arn'] } },
        { Id: 'Queue', Arn: { 'Fn::GetAtt': ['Q', 'Arn'] } },
        { Id: 'Topic', Arn: { Ref: 'T' } },
        { Id: 'Shaped', Arn: { Ref: 'SM' }, InputTransformer: { InputPathsMap: { t: '$.time' }, InputTemplate: '{"at": <t>}' } },
        { Id: 'Part', Arn: { 'Fn::GetAtt': ['F', 'Arn'] }, InputPath: '$.detail' },
      ] } },
      Off: { Type: 'AWS::Events::Rule', Properties: { State: 'DISABLED', EventPattern: { source: ['x'] }, Targets: [{ Id: 'T', Arn: { Ref: 'SM' } }] } },
    }, {}, 'shop', dir)]);
    expect(app.config.rules).toEqual([
      { name: 'nightly.Sm', scheduleExpression: 'cron(0 2 * * ? *)', stateMachine: 'flow', input: { mode: 'full' } },
      { name: 'nightly.Fn', scheduleExpression: 'cron(0 2 * * ? *)', function: 'worker' },
      { name: 'nightly.Queue', scheduleExpression: 'cron(0 2 * * ? *)', queue: 'work' },
      { name: 'nightly.Shaped', scheduleExpression: 'cron(0 2 * * ? *)', stateMachine: 'flow', inputTransformer: { InputPathsMap: { t: '$.time' }, InputTemplate: '{"at": <t>}' } },
      { name: 'nightly.Part', scheduleExpression: 'cron(0 2 * * ? *)', function: 'worker', inputPath: '$.detail' },
    ]);
    expect(outcomeOf(app, 'Nightly')).toEqual({ kind: 'run', localName: 'nightly', partlyNotRun: [expect.stringMatching(/Topic.*topic target/)] });
    expect(outcomeOf(app, 'Off')).toEqual({ kind: 'notRun', reason: 'its State is DISABLED' });
  });

  it('maps topics, subscriptions, event source mappings, schedules, secrets and HTTP API routes onto the new config keys', () => {
    const dir = codeFolder();
    const app = mapApp([stack({
      F: fn({ FunctionName: 'worker' }),
      SM: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: 'flow', Definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } } },
      Q: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'work' } },
      T: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'events' } },
      S: { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: { Ref: 'T' }, Protocol: 'sqs', Endpoint: { 'Fn::GetAtt': ['Q', 'Arn'] }, RawMessageDelivery: true, FilterPolicy: { kind: ['a'] } } },
      Mail: { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: { Ref: 'T' }, Protocol: 'email', Endpoint: 'a@example.com' } },
      M: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { EventSourceArn: { 'Fn::GetAtt': ['Q', 'Arn'] }, FunctionName: { Ref: 'F' }, BatchSize: 5, MaximumBatchingWindowInSeconds: 2, FunctionResponseTypes: ['ReportBatchItemFailures'] } },
      Sch: { Type: 'AWS::Scheduler::Schedule', Properties: { Name: 'hourly', ScheduleExpression: 'rate(1 hour)', ScheduleExpressionTimezone: 'Europe/Paris', FlexibleTimeWindow: { Mode: 'OFF' }, State: 'ENABLED', Target: { Arn: { Ref: 'SM' }, RoleArn: 'r', Input: '{"at":"<aws.scheduler.scheduled-time>"}' } } },
      Sec: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'bi-key', Description: 'the BI key' } },
      Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'hooks', ProtocolType: 'HTTP' } },
      Int: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { ApiId: { Ref: 'Api' }, IntegrationType: 'AWS_PROXY', IntegrationUri: { 'Fn::GetAtt': ['F', 'Arn'] }, PayloadFormatVersion: '2.0' } },
      Route: { Type: 'AWS::ApiGatewayV2::Route', Properties: { ApiId: { Ref: 'Api' }, RouteKey: 'POST /callbacks', Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'Int' }]] } } },
      Stage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { ApiId: { Ref: 'Api' }, StageName: '$default', AutoDeploy: true } },
    }, {}, 'shop', dir)]);
    expect(app.config).toMatchObject({
      topics: ['events'],
      subscriptions: [{ topic: 'events', protocol: 'sqs', endpoint: 'work', rawMessageDelivery: true, filterPolicy: { kind: ['a'] } }],
      eventSourceMappings: [{ queue: 'work', function: 'worker', batchSize: 5, maximumBatchingWindowSeconds: 2, reportBatchItemFailures: true }],
      schedules: [{ name: 'hourly', expression: 'rate(1 hour)', timezone: 'Europe/Paris', state: 'ENABLED', stateMachine: 'flow', input: { at: '<aws.scheduler.scheduled-time>' } }],
      secrets: [{ name: 'bi-key', description: 'the BI key' }],
      httpApis: [{ name: 'hooks', routes: [{ route: 'POST /callbacks', function: 'worker' }] }],
    });
    expect(outcomeOf(app, 'Mail')).toEqual({ kind: 'notRun', reason: expect.stringMatching(/email subscription/) });
    expect(outcomeOf(app, 'Stage')).toEqual({ kind: 'needsNothing' });
  });

  it('skips a resource whose condition is false and lists it', () => {
    const app = mapApp([stack({ B: { Type: 'AWS::S3::Bucket', Condition: 'IsProd' } }, { Parameters: { Stage: { Default: 'dev' } }, Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } } })]);
    expect(app.config.buckets).toBeUndefined();
    expect(outcomeOf(app, 'B')).toEqual({ kind: 'notRun', reason: expect.stringMatching(/condition IsProd is false/) });
  });

  it('resolves Fn::ImportValue against another stack of the app', () => {
    const producer = stack({ T: { Type: 'AWS::DynamoDB::Table', Properties: { KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }] } } }, {
      Outputs: { TableName: { Value: { Ref: 'T' }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}:TableName' } } } },
    }, 'data');
    const consumer = stack({ SM: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: 'flow', DefinitionSubstitutions: { Table: { 'Fn::ImportValue': 'data:TableName' } }, Definition: { StartAt: 'P', States: { P: { Type: 'Pass', Result: '${Table}', End: true } } } } } }, {}, 'app');
    const app = mapApp([producer, consumer]);
    expect(app.config.stateMachines?.[0].substitutions).toEqual({ Table: app.config.tables?.[0].name });
    expect(app.config.tables?.[0].name).toMatch(/^data-T-/);
  });

  it('lists custom resources, alarms and unknown types as not run, and IAM, logs and metadata as needing nothing', () => {
    const app = mapApp([stack({
      Role: { Type: 'AWS::IAM::Role' }, Logs: { Type: 'AWS::Logs::LogGroup' }, Meta: { Type: 'AWS::CDK::Metadata' },
      Custom: { Type: 'Custom::S3BucketNotifications' }, Alarm: { Type: 'AWS::CloudWatch::Alarm' }, Vpc: { Type: 'AWS::EC2::VPC' },
    })]);
    expect(app.resources.map((r) => [r.logicalId, r.outcome.kind])).toEqual([
      ['Role', 'needsNothing'], ['Logs', 'needsNothing'], ['Meta', 'needsNothing'], ['Custom', 'notRun'], ['Alarm', 'notRun'], ['Vpc', 'notRun'],
    ]);
  });

  it('refuses a template with a Transform (SAM, macros), which only a deployment expands', () => {
    const sam = stack({}, { Transform: 'AWS::Serverless-2016-10-31' } as Partial<CfnTemplate>);
    expect(() => mapApp([sam])).toThrow(TemplateError);
  });

  it('gives HTTP APIs that share a Name across stacks generated names instead, as their endpoints must differ', () => {
    const api = { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'Api', ProtocolType: 'HTTP' } };
    const app = mapApp([stack({ A: api }, {}, 'one'), stack({ A: api, B: { ...api, Properties: { Name: 'Own', ProtocolType: 'HTTP' } } }, {}, 'two')]);
    expect(app.config.httpApis?.map((a) => a.name)).toEqual([expect.stringMatching(/^one-A-/), expect.stringMatching(/^two-A-/), 'Own']);
  });

  it('says why an alarm does not run', () => {
    const app = mapApp([stack({ Alarm: { Type: 'AWS::CloudWatch::Alarm' } })]);
    expect(outcomeOf(app, 'Alarm')).toEqual({ kind: 'notRun', reason: expect.stringMatching(/no CloudWatch metrics/) });
  });
});
