/**
 * queue-drain on AWS: the queue to drain, its dead-letter queue, process-batch, the state machine
 * from asl/queue-drain.asl.json, and what starts and scales the workers.
 *
 * Starting and scaling: one CloudWatch alarm per configured step on the queue's visible messages
 * (1, 500, 5000 by default); when alarm k goes into ALARM, an EventBridge rule starts worker k
 * (input `{ "worker": "worker-k" }`). A worker stops itself once the queue stays empty, the alarms
 * fall back to OK, and the next backlog starts them again: so N workers run while the backlog is
 * above the N-th step. An alarm fires once per transition, so a long backlog does not pile up
 * workers. A worker that fails (QueueDrain.BatchFailed) is not restarted by its alarm while the
 * backlog stays above the step; the failed-executions alarm tells a person, who redrives it.
 *
 * Execution names: a rule target cannot set one, so workers get generated names and `worker-k`
 * is their label. The deterministic names of workflows/queue-drain.ts (`worker-1`...) cannot be
 * reused on AWS for 90 days after the execution closes, so they fit a person's manual start, not
 * an automatic restart.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { LonghaulConfig } from '../config.ts';
import { Alerting } from '../constructs/alerting.ts';
import { HandlerFunction, HandlerName } from '../constructs/handler-function.ts';
import { IdempotencyTable } from '../constructs/idempotency-table.ts';
import { WorkflowSchedule } from '../constructs/workflow-schedule.ts';
import { WorkflowStateMachine } from '../constructs/workflow-state-machine.ts';

export interface QueueDrainStackProps extends StackProps {
  config: LonghaulConfig;
}

export class QueueDrainStack extends Stack {
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;
  readonly processBatch: HandlerFunction;
  readonly idempotency: IdempotencyTable;
  readonly workflow: WorkflowStateMachine<'queue-drain'>;
  readonly scaleAlarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: QueueDrainStackProps) {
    super(scope, id, props);
    const { config } = props;
    const processBatchTimeout = Duration.seconds(60);

    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Longer than a batch can take, so a message is not received twice while it is processed.
      visibilityTimeout: Duration.seconds(processBatchTimeout.toSeconds() * 5),
      // A poison message fails its batch and stays; after 5 receives SQS moves it here.
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: 5 },
    });

    this.processBatch = new HandlerFunction(this, 'ProcessBatch', {
      handler: HandlerName.ProcessBatch,
      bundling: config.bundling,
      timeout: processBatchTimeout,
    });
    // ReceiveMessage and DeleteMessageBatch (authorized as sqs:DeleteMessage), on this queue only.
    this.processBatch.allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage'], [this.queue.queueArn]);
    // A duplicated invocation answers the batch the first took instead of taking another.
    this.idempotency = new IdempotencyTable(this, 'Idempotency');
    this.idempotency.use(this.processBatch);

    this.workflow = new WorkflowStateMachine(this, 'Workflow', {
      workflow: 'queue-drain',
      name: `${config.prefix}-queue-drain`,
      substitutions: {
        ProcessBatchFunctionArn: this.processBatch.functionArn,
        DrainQueueUrl: this.queue.queueUrl,
      },
      invokes: [this.processBatch.functionArn],
    });

    this.scaleAlarms = config.drainScaleSteps.map((step, i) => {
      const worker = `worker-${i + 1}`;
      const alarm = new cloudwatch.Alarm(this, `Scale${i + 1}`, {
        alarmDescription: `queue-drain: ${step}+ messages waiting starts ${worker}`,
        metric: this.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: step,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      new events.Rule(this, `Start${i + 1}`, {
        description: `Starts queue-drain ${worker} when its scaling alarm goes into ALARM`,
        eventPattern: {
          source: ['aws.cloudwatch'],
          detailType: ['CloudWatch Alarm State Change'],
          resources: [alarm.alarmArn],
          detail: { state: { value: ['ALARM'] } },
        },
        targets: [new targets.SfnStateMachine(this.workflow.stateMachine, { input: events.RuleTargetInput.fromObject({ worker }) })],
      });
      return alarm;
    });

    if (config.queueDrainSchedule) {
      new WorkflowSchedule(this, 'Schedule', {
        stateMachine: this.workflow.stateMachine,
        expression: config.queueDrainSchedule,
        input: { worker: 'scheduled' },
        description: 'Starts a queue-drain worker on the configured schedule',
      });
    }

    const alerting = new Alerting(this, 'Alerting', { ...(config.alarmEmail ? { email: config.alarmEmail } : {}) });
    alerting.onExecutionProblems(this.workflow.stateMachine);
    alerting.onDeadLetters('DeadLettersAlarm', this.deadLetters);

    new CfnOutput(this, 'QueueUrl', { value: this.queue.queueUrl });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetters.queueUrl });
  }
}
