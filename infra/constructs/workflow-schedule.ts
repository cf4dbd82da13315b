/** An EventBridge Scheduler schedule that starts a workflow, for a workflow configured with one. */
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

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
