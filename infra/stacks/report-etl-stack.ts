/**
 * report-etl on AWS: reports land in an S3 bucket; S3's EventBridge notification goes through a
 * rule to an SQS queue (with a dead-letter queue), from which start-from-s3 starts one execution
 * per object version under its deterministic name — a direct EventBridge -> Step Functions target
 * cannot set a name, so a duplicated event would start a second execution. The state machine runs
 * asl/report-etl.asl.json with the BI handlers, notify (SES) and the callback endpoint.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { LonghaulConfig } from '../config.ts';
import { Alerting } from '../constructs/alerting.ts';
import { CallbackEndpoint } from '../constructs/callback-endpoint.ts';
import { HandlerFunction, HandlerName } from '../constructs/handler-function.ts';
import { IdempotencyTable } from '../constructs/idempotency-table.ts';
import { WorkflowStateMachine } from '../constructs/workflow-state-machine.ts';
import { NIGHTLY_EXPORT_DEFAULTS } from '../../workflows/nightly-export.ts';

/** The export names of the reports bucket, which nightly-export imports. */
export function reportsBucketExports(prefix: string): { name: string; arn: string } {
  return { name: `${prefix}-reports-bucket-name`, arn: `${prefix}-reports-bucket-arn` };
}

export interface ReportEtlStackProps extends StackProps {
  config: LonghaulConfig;
}

export class ReportEtlStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly triggerQueue: sqs.Queue;
  readonly triggerDeadLetters: sqs.Queue;
  readonly workflow: WorkflowStateMachine<'report-etl'>;
  readonly callbacks: CallbackEndpoint;
  readonly biApiKey: secretsmanager.Secret;
  readonly idempotency: IdempotencyTable;
  readonly functions: Record<'startFromS3' | 'uploadReport' | 'startEtlJob' | 'checkEtlJob' | 'notify', HandlerFunction>;

  constructor(scope: Construct, id: string, props: ReportEtlStackProps) {
    super(scope, id, props);
    const { config } = props;
    const bundling = config.bundling;
    const stateMachineName = `${config.prefix}-report-etl`;

    // --- the reports bucket and its trigger
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the reports bucket; logging its own access would log the logs.',
    });
    this.bucket = new s3.Bucket(this, 'Reports', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // A version id per write: start-from-s3 names the execution after it, so a re-upload is a new run.
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'reports/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // EventBridge notifications on the bucket resource itself: `eventBridgeEnabled: true` would
    // set them through a custom-resource Lambda (with an AWS managed policy) on every deploy.
    (this.bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };

    this.triggerDeadLetters = new sqs.Queue(this, 'TriggerDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const startFromS3Timeout = Duration.seconds(30);
    this.triggerQueue = new sqs.Queue(this, 'TriggerQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's advice for a Lambda event source: at least 6 x the function's timeout.
      visibilityTimeout: Duration.seconds(startFromS3Timeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.triggerDeadLetters, maxReceiveCount: 5 },
    });
    new events.Rule(this, 'ReportUploaded', {
      description: 'A report landed in the reports bucket: queue it for start-from-s3',
      // every object but the nightly exports, which nightly-export writes into this bucket: an export is no report to load
      eventPattern: {
        source: ['aws.s3'], detailType: ['Object Created'],
        detail: { bucket: { name: [this.bucket.bucketName] }, object: { key: events.Match.anythingButPrefix(NIGHTLY_EXPORT_DEFAULTS.exportPrefix) } },
      },
      targets: [new targets.SqsQueue(this.triggerQueue, { deadLetterQueue: this.triggerDeadLetters, retryAttempts: 10, maxEventAge: Duration.hours(24) })],
    });

    // --- the handlers
    this.biApiKey = new secretsmanager.Secret(this, 'BiApiKey', {
      description: 'Longhaul: the BI service API key; put the real key here after the first deploy',
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
    });
    Validations.of(this.biApiKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The BI service issues this key; it changes when the BI service rotates it, by hand (README.md, Deploying to AWS), which no rotation Lambda here can do.',
    });
    const biEnvironment = { BI_API_URL: config.biApiUrl, BI_API_KEY_ARN: this.biApiKey.secretArn };
    const biFunction = (fid: string, handler: HandlerName) => {
      const f = new HandlerFunction(this, fid, { handler, bundling, readsSecrets: true, environment: biEnvironment });
      f.allow(['secretsmanager:GetSecretValue'], [this.biApiKey.secretArn]);
      return f;
    };
    const uploadReport = biFunction('UploadReport', HandlerName.UploadReport);
    const startEtlJob = biFunction('StartEtlJob', HandlerName.StartEtlJob);
    const checkEtlJob = biFunction('CheckEtlJob', HandlerName.CheckEtlJob);

    const notify = new HandlerFunction(this, 'Notify', {
      handler: HandlerName.Notify,
      bundling,
      environment: { EMAIL_FROM: config.emailFrom, EMAIL_TO: config.emailTo },
    });
    // SES authorizes SendEmail against the sending identity; the condition pins the From address.
    notify.allow(['ses:SendEmail'], [this.formatArn({ service: 'ses', resource: 'identity', resourceName: config.sesIdentity })], {
      StringEquals: { 'ses:FromAddress': config.emailFrom },
    });

    // The handlers with effects outside answer a duplicated invocation from their record here.
    this.idempotency = new IdempotencyTable(this, 'Idempotency');
    for (const f of [uploadReport, startEtlJob, notify]) this.idempotency.use(f);

    this.callbacks = new CallbackEndpoint(this, 'Callbacks', { bundling });

    // --- the workflow
    this.workflow = new WorkflowStateMachine(this, 'Workflow', {
      workflow: 'report-etl',
      name: stateMachineName,
      substitutions: {
        UploadReportFunctionArn: uploadReport.functionArn,
        StartEtlJobFunctionArn: startEtlJob.functionArn,
        CheckEtlJobFunctionArn: checkEtlJob.functionArn,
        NotifyFunctionArn: notify.functionArn,
        CallbackBaseUrl: this.callbacks.baseUrl,
      },
      invokes: [uploadReport.functionArn, startEtlJob.functionArn, checkEtlJob.functionArn, notify.functionArn],
    });

    const startFromS3 = new HandlerFunction(this, 'StartFromS3', {
      handler: HandlerName.StartFromS3,
      bundling,
      timeout: startFromS3Timeout,
      environment: { STATE_MACHINE_ARN: this.workflow.stateMachineArn },
    });
    startFromS3.allow(['states:StartExecution'], [this.workflow.stateMachineArn]);
    // One record per invocation: a failed start is retried alone and, after 5 receives, dead-lettered.
    startFromS3.function.addEventSource(new SqsEventSource(this.triggerQueue, { batchSize: 1 }));

    const alerting = new Alerting(this, 'Alerting', { ...(config.alarmEmail ? { email: config.alarmEmail } : {}) });
    alerting.onExecutionProblems(this.workflow.stateMachine);
    alerting.onDeadLetters('TriggerDeadLettersAlarm', this.triggerDeadLetters);

    this.functions = { startFromS3, uploadReport, startEtlJob, checkEtlJob, notify };

    // What a person needs after deploying: where to upload, what to put in the secrets, what to watch.
    // Exported under fixed names, for nightly-export: a fixed name keeps the importing stack's
    // grants (and their cdk-nag acknowledgement) readable, and frees this stack from CDK's generated exports.
    new CfnOutput(this, 'ReportsBucketName', { value: this.bucket.bucketName, exportName: reportsBucketExports(config.prefix).name });
    new CfnOutput(this, 'ReportsBucketArn', { value: this.bucket.bucketArn, exportName: reportsBucketExports(config.prefix).arn });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'CallbackBaseUrl', { value: this.callbacks.baseUrl });
    new CfnOutput(this, 'WebhookSecretArn', { value: this.callbacks.webhookSecret.secretArn });
    new CfnOutput(this, 'BiApiKeySecretArn', { value: this.biApiKey.secretArn });
    new CfnOutput(this, 'TriggerDeadLetterQueueUrl', { value: this.triggerDeadLetters.queueUrl });
  }
}
