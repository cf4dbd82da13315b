/**
 * EventBridge Scheduler schedules that start a workflow: WorkflowSchedule straight to Step
 * Functions (generated execution names), NamedWorkflowSchedule through a starter Lambda that
 * names each execution after its tick.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { HandlerFunction, HandlerName } from './handler-function.ts';

export interface WorkflowScheduleProps {
  stateMachine: sfn.IStateMachine;
  /** `rate(1 hour)`, `cron(0 6 * * ? *)`, `at(...)`: EventBridge Scheduler's syntax */
  expression: string;
  /** the execution's input */
  input: Record<string, unknown>;
  description: string;
}

/**
 * Scheduler's own role may only start this state machine (the target grants states:StartExecution
 * on its ARN). Executions get Scheduler's generated names: Scheduler cannot compute a name that is
 * both stable for one firing and valid for Step Functions (its scheduled-time holds ':').
 *
 * @example
 * new WorkflowSchedule(this, 'Nightly', { stateMachine, expression: 'cron(0 2 * * ? *)', input: {}, description: 'nightly' });
 */
export class WorkflowSchedule extends Construct {
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: WorkflowScheduleProps) {
    super(scope, id);
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      schedule: scheduler.ScheduleExpression.expression(props.expression),
      description: props.description,
      target: new StepFunctionsStartExecution(props.stateMachine, { input: scheduler.ScheduleTargetInput.fromObject(props.input) }),
    });
  }
}

export interface NamedWorkflowScheduleProps {
  /** the schedule's name, also the prefix of every execution's name (`<name>-<yyyyMMddTHHmmssZ>`) */
  name: string;
  stateMachineArn: string;
  /** EventBridge Scheduler's syntax, in UTC */
  expression: string;
  /** the execution's input, besides `schedule` and `scheduledTime` */
  input: Record<string, unknown>;
  description: string;
  /** false in tests (STYLE rule 10) */
  bundling: boolean;
}

/**
 * A schedule whose every tick starts one execution named after the schedule and the tick, so a
 * tick delivered twice starts nothing new: Scheduler invokes handlers/start-on-schedule (the
 * Lambda target can pass `<aws.scheduler.scheduled-time>`, the StepFunctionsStartExecution target
 * cannot set a name), which computes the name and treats ExecutionAlreadyExists as done.
 *
 * Scheduler's role may invoke only the starter (its plain ARN) and send only to the dead-letter
 * queue, where a tick goes after its retries; the starter may start only this state machine.
 *
 * @example
 * new NamedWorkflowSchedule(this, 'Nightly', { name: 'longhaul-nightly-export', stateMachineArn, expression: 'cron(0 2 * * ? *)', input: {}, description: 'nightly', bundling });
 */
export class NamedWorkflowSchedule extends Construct {
  readonly schedule: scheduler.Schedule;
  readonly starter: HandlerFunction;
  readonly role: iam.Role;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: NamedWorkflowScheduleProps) {
    super(scope, id);
    this.starter = new HandlerFunction(this, 'Starter', {
      handler: HandlerName.StartOnSchedule,
      bundling: props.bundling,
      environment: { STATE_MACHINE_ARN: props.stateMachineArn },
    });
    this.starter.allow(['states:StartExecution'], [props.stateMachineArn]);

    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is the dead-letter queue of the schedule's target (Scheduler's DeadLetterConfig, which cdk-nag does not see as a redrive policy); a dead-letter queue of its own would have nothing to catch.",
    });
    const account = Stack.of(this).account;
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': account } } }),
      description: `${props.name}: invokes its starter, dead-letters a tick it could not deliver`,
    });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.starter.functionArn] }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetters.queueArn] }));

    const input = scheduler.ScheduleTargetInput.fromObject({
      schedule: props.name,
      scheduledTime: scheduler.ContextAttribute.scheduledTime,
      executionId: scheduler.ContextAttribute.executionId,
      input: props.input,
    });
    const target: scheduler.IScheduleTarget = {
      bind: () => ({
        arn: this.starter.functionArn,
        role: this.role,
        input,
        retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeInSeconds: Duration.hours(6).toSeconds() },
        deadLetterConfig: { arn: this.deadLetters.queueArn },
      }),
    };
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      scheduleName: props.name,
      schedule: scheduler.ScheduleExpression.expression(props.expression),
      description: props.description,
      target,
    });
  }
}
