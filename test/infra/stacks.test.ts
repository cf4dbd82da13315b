import { describe, expect, it } from '@jest/globals';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildLonghaul } from './support.ts';

const built = buildLonghaul({ alarmEmail: 'oncall@example.com', queueDrainSchedule: 'rate(1 hour)' });
const report = Template.fromStack(built.reportEtl);
const drain = Template.fromStack(built.queueDrain);
const nightly = Template.fromStack(built.nightlyExport);
const r = built.reportEtl;
const q = built.queueDrain;
const n = built.nightlyExport;

describe('every stack', () => {
  it.each([['report-etl', report, 6], ['queue-drain', drain, 1], ['nightly-export', nightly, 2]] as const)('%s: its %s handlers run on nodejs24.x, arm64, logging to their own group', (_name, template, count) => {
    template.resourceCountIs('AWS::Lambda::Function', count);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.anyValue() } },
    });
  });

  it.each([['report-etl', report, 'longhaul-report-etl'], ['queue-drain', drain, 'longhaul-queue-drain']] as const)('%s: one standard state machine, logging ALL with execution data, X-Ray on', (_name, template, name) => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: name,
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
      TracingConfiguration: { Enabled: true },
    });
  });

  it.each([['report-etl', report], ['queue-drain', drain]] as const)('%s: alarms on failed and timed-out executions and on the dead-letter queue, e-mailed', (_name, template) => {
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/States', MetricName: metric, Threshold: 1, AlarmActions: [{ Ref: Match.anyValue() }] });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1, AlarmActions: [{ Ref: Match.anyValue() }],
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  it.each([['report-etl', report], ['queue-drain', drain]] as const)('%s: every queue is encrypted, TLS-only, and has a dead-letter queue or is one', (_name, template) => {
    const queues = template.findResources('AWS::SQS::Queue');
    const deadLetterIds = Object.values(queues).flatMap((q: any) => (q.Properties?.RedrivePolicy ? [q.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0]] : []));
    for (const [id, queue] of Object.entries(queues) as [string, any][]) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      expect(Boolean(queue.Properties.RedrivePolicy) || deadLetterIds.includes(id)).toBe(true);
    }
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')) as any[];
    const denied = policies.flatMap((p) => p.Properties.PolicyDocument.Statement).filter((s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false');
    expect(denied.length).toBe(Object.keys(queues).length);
  });
});

describe('idempotency', () => {
  it.each([
    ['report-etl', report, r, ['upload-report', 'start-etl-job', 'notify']],
    ['queue-drain', drain, q, ['process-batch']],
    ['nightly-export', nightly, n, ['notify']],
  ] as const)('%s: keeps the records of %s in its own table (key id, TTL on expiration), named to each by environment', (_name, template, stack, handlers) => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
    });
    for (const handler of handlers) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: `Longhaul handlers/${handler}`,
        Environment: { Variables: Match.objectLike({ IDEMPOTENCY_TABLE_NAME: stack.resolve(stack.idempotency.table.tableName) }) },
      });
    }
  });
});

describe('report-etl', () => {
  it('keeps reports in a versioned, encrypted, private, TLS-only bucket that tells EventBridge', () => {
    report.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
    });
    report.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: r.resolve(r.bucket.bucketName),
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('routes "Object Created" events of that bucket to the trigger queue, with the dead-letter queue for failed deliveries', () => {
    report.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [r.resolve(r.bucket.bucketName)] } } },
      Targets: [Match.objectLike({
        Arn: r.resolve(r.triggerQueue.queueArn),
        DeadLetterConfig: { Arn: r.resolve(r.triggerDeadLetters.queueArn) },
      })],
    });
    report.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: r.resolve(r.triggerDeadLetters.queueArn), maxReceiveCount: 5 },
    });
  });

  it('feeds the trigger queue to start-from-s3 one record at a time, which starts this state machine', () => {
    report.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: r.resolve(r.triggerQueue.queueArn),
      FunctionName: r.resolve(r.functions.startFromS3.function.functionName),
      BatchSize: 1,
    });
    report.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Longhaul handlers/start-from-s3',
      Environment: { Variables: Match.objectLike({ STATE_MACHINE_ARN: r.resolve(r.workflow.stateMachineArn) }) },
    });
  });

  it('gives the BI handlers the BI URL as configuration and the API key only as a secret ARN', () => {
    for (const handler of ['upload-report', 'start-etl-job', 'check-etl-job']) {
      report.hasResourceProperties('AWS::Lambda::Function', {
        Description: `Longhaul handlers/${handler}`,
        Environment: { Variables: Match.objectLike({ BI_API_URL: built.config.biApiUrl, BI_API_KEY_ARN: r.resolve(r.biApiKey.secretArn) }) },
        Layers: [Match.stringLikeRegexp('AWS-Parameters-and-Secrets-Lambda-Extension-Arm64')],
      });
    }
  });

  it('e-mails through SES from the configured sender', () => {
    report.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Longhaul handlers/notify',
      Environment: { Variables: Match.objectLike({ EMAIL_FROM: built.config.emailFrom, EMAIL_TO: built.config.emailTo }) },
    });
  });

  it('takes webhooks on POST /callbacks of an HTTP API into the callback receiver, whose secret is in Secrets Manager', () => {
    report.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /callbacks' });
    report.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: r.resolve(r.callbacks.receiver.functionArn),
    });
    report.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.not(Match.stringLikeRegexp('querystring|token')) },
    });
    report.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Longhaul handlers/callback-receiver',
      Environment: { Variables: Match.objectLike({ BI_WEBHOOK_SECRET_ARN: r.resolve(r.callbacks.webhookSecret.secretArn) }) },
    });
    report.resourceCountIs('AWS::SecretsManager::Secret', 2);
  });

  it('has no value of a secret in its template', () => {
    const secrets = Object.values(report.findResources('AWS::SecretsManager::Secret')) as any[];
    const variables = Object.values(report.findResources('AWS::Lambda::Function')).flatMap((f: any) => Object.keys(f.Properties.Environment?.Variables ?? {}));

    for (const secret of secrets) expect(secret.Properties.SecretString).toBeUndefined();
    expect(variables).not.toContain('BI_WEBHOOK_SECRET');
    expect(variables).not.toContain('BI_API_KEY');
  });
});

describe('queue-drain', () => {
  it('drains a queue whose poison messages go to the dead-letter queue after 5 receives', () => {
    drain.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: q.resolve(q.deadLetters.queueArn), maxReceiveCount: 5 },
      VisibilityTimeout: 300,
    });
  });

  it.each(built.config.drainScaleSteps.map((step, i) => [i + 1, step]))('starts worker-%s when %s messages wait', (n, step) => {
    const alarm = q.scaleAlarms[n - 1];
    drain.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: step, Period: 60,
      Dimensions: [{ Name: 'QueueName', Value: q.resolve(q.queue.queueName) }],
    });
    drain.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], resources: [q.resolve(alarm.alarmArn)], detail: { state: { value: ['ALARM'] } } },
      Targets: [Match.objectLike({ Arn: q.resolve(q.workflow.stateMachine.stateMachineArn), Input: JSON.stringify({ worker: `worker-${n}` }) })],
    });
  });

  it('starts a worker on the configured EventBridge Scheduler schedule', () => {
    drain.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      Target: Match.objectLike({ Arn: q.resolve(q.workflow.stateMachine.stateMachineArn), Input: JSON.stringify({ worker: 'scheduled' }) }),
    });
  });

  it('has no schedule unless one is configured', () => {
    Template.fromStack(buildLonghaul().queueDrain).resourceCountIs('AWS::Scheduler::Schedule', 0);
  });
});

describe('nightly-export', () => {
  it('runs its schedule nightly at 02:00 UTC into the starter, with the tick and the attempt in its input', () => {
    nightly.resourceCountIs('AWS::Scheduler::Schedule', 1);
    nightly.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'longhaul-nightly-export',
      ScheduleExpression: 'cron(0 2 * * ? *)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: n.resolve(n.schedule.starter.functionArn),
        RoleArn: n.resolve(n.schedule.role.roleArn),
        Input: JSON.stringify({ schedule: 'longhaul-nightly-export', scheduledTime: '<aws.scheduler.scheduled-time>', executionId: '<aws.scheduler.execution-id>', input: {} }),
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 6 * 3600 },
        DeadLetterConfig: { Arn: n.resolve(n.schedule.deadLetters.queueArn) },
      },
    });
  });

  it('takes its schedule expression from the configuration', () => {
    const other = Template.fromStack(buildLonghaul({ nightlyExportSchedule: 'cron(30 3 * * ? *)' }).nightlyExport);

    other.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(30 3 * * ? *)' });
  });

  it("lets Scheduler's role be assumed by Scheduler of this account only", () => {
    nightly.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': built.config.account } } })],
      },
    });
  });

  it('gives the starter the state machine to start, and the state machine the reports bucket report-etl exports', () => {
    nightly.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Longhaul handlers/start-on-schedule',
      Environment: { Variables: Match.objectLike({ STATE_MACHINE_ARN: n.resolve(n.workflow.stateMachineArn) }) },
    });
    nightly.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionSubstitutions: { NotifyFunctionArn: n.resolve(n.notify.functionArn), ReportsBucketName: { 'Fn::ImportValue': 'longhaul-reports-bucket-name' } },
    });
    report.hasOutput('ReportsBucketArn', { Export: { Name: 'longhaul-reports-bucket-arn' } });
    expect(n.dependencies).toContain(r);
  });
});

describe('outputs', () => {
  it.each([
    ['report-etl', report, ['BiApiKeySecretArn', 'CallbackBaseUrl', 'ReportsBucketArn', 'ReportsBucketName', 'StateMachineArn', 'TriggerDeadLetterQueueUrl', 'WebhookSecretArn']],
    ['queue-drain', drain, ['DeadLetterQueueUrl', 'QueueUrl', 'StateMachineArn']],
    ['nightly-export', nightly, ['ScheduleDeadLetterQueueUrl', 'ScheduleName', 'StateMachineArn']],
  ] as const)('%s: names what a person needs after deploying', (_name, template, names) => {
    expect(Object.keys(template.toJSON().Outputs ?? {}).sort()).toEqual([...names]);
  });
});
