/**
 * nightly-export on AWS: an EventBridge Scheduler schedule (nightly at 02:00 UTC by default)
 * whose every tick starts one execution through handlers/start-on-schedule, named
 * `<schedule>-<yyyyMMddTHHmmssZ>`; the state machine from asl/nightly-export.asl.json lists the
 * day's results in the reports bucket (report-etl's stack), puts one export under `exports/`,
 * and e-mails through its own notify function, idempotent through its own table.
 */
import { CfnOutput, Fn, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { LonghaulConfig } from '../config.ts';
import { Alerting } from '../constructs/alerting.ts';
import { HandlerFunction, HandlerName } from '../constructs/handler-function.ts';
import { IdempotencyTable } from '../constructs/idempotency-table.ts';
import { NamedWorkflowSchedule } from '../constructs/workflow-schedule.ts';
import { WorkflowStateMachine } from '../constructs/workflow-state-machine.ts';
import { reportsBucketExports } from './report-etl-stack.ts';
import { NIGHTLY_EXPORT_DEFAULTS } from '../../workflows/nightly-export.ts';

export interface NightlyExportStackProps extends StackProps {
  config: LonghaulConfig;
}

export class NightlyExportStack extends Stack {
  readonly notify: HandlerFunction;
  readonly idempotency: IdempotencyTable;
  readonly workflow: WorkflowStateMachine<'nightly-export'>;
  readonly schedule: NamedWorkflowSchedule;

  constructor(scope: Construct, id: string, props: NightlyExportStackProps) {
    super(scope, id, props);
    const { config } = props;
    const bundling = config.bundling;
    // report-etl's reports bucket, by the names that stack exports (deploy it first)
    const exports = reportsBucketExports(config.prefix);
    const reports = s3.Bucket.fromBucketAttributes(this, 'Reports', { bucketName: Fn.importValue(exports.name), bucketArn: Fn.importValue(exports.arn) });

    this.notify = new HandlerFunction(this, 'Notify', {
      handler: HandlerName.Notify,
      bundling,
      environment: { EMAIL_FROM: config.emailFrom, EMAIL_TO: config.emailTo },
    });
    this.notify.allow(['ses:SendEmail'], [this.formatArn({ service: 'ses', resource: 'identity', resourceName: config.sesIdentity })], {
      StringEquals: { 'ses:FromAddress': config.emailFrom },
    });
    this.idempotency = new IdempotencyTable(this, 'Idempotency');
    this.idempotency.use(this.notify);

    this.workflow = new WorkflowStateMachine(this, 'Workflow', {
      workflow: 'nightly-export',
      name: `${config.prefix}-nightly-export`,
      substitutions: { NotifyFunctionArn: this.notify.functionArn, ReportsBucketName: reports.bucketName },
      invokes: [this.notify.functionArn],
    });
    // Read the results' prefix, write the exports' prefix: nothing else of the reports bucket.
    this.workflow.allow(['s3:ListBucket'], [reports.bucketArn], { StringLike: { 's3:prefix': [`${NIGHTLY_EXPORT_DEFAULTS.resultsPrefix}*`] } });
    this.workflow.allow(['s3:PutObject'], [reports.arnForObjects(`${NIGHTLY_EXPORT_DEFAULTS.exportPrefix}*`)]);
    Validations.of(this.workflow.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${exports.arn}/${NIGHTLY_EXPORT_DEFAULTS.exportPrefix}*]`,
      reason: "One export per day, named after the day: PutObject is granted on the exports' prefix of the reports bucket, the narrowest ARN that covers every day.",
    });

    this.schedule = new NamedWorkflowSchedule(this, 'Schedule', {
      name: `${config.prefix}-nightly-export`,
      stateMachineArn: this.workflow.stateMachineArn,
      expression: config.nightlyExportSchedule,
      input: {},
      description: "Starts nightly-export for the day that ended, one execution per tick",
      bundling,
    });

    const alerting = new Alerting(this, 'Alerting', { ...(config.alarmEmail ? { email: config.alarmEmail } : {}) });
    alerting.onExecutionProblems(this.workflow.stateMachine);
    alerting.onDeadLetters('ScheduleDeadLettersAlarm', this.schedule.deadLetters);

    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ScheduleName', { value: this.schedule.schedule.scheduleName });
    new CfnOutput(this, 'ScheduleDeadLetterQueueUrl', { value: this.schedule.deadLetters.queueUrl });
  }
}
