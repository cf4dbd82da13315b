/**
 * A state machine deployed from asl/<workflow>.asl.json as it is (DefinitionBody.fromFile), with
 * exactly the substitutions that file uses, logging ALL and X-Ray on, and a role that may invoke
 * the given functions and start executions of this state machine (continue-as-new) — nothing else.
 */
import { ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { aslPath, type WorkflowName, type WorkflowSubstitutions } from '../workflows.ts';

export interface WorkflowStateMachineProps<W extends WorkflowName> {
  workflow: W;
  /** the state machine's name; fixed, because its own ARN must be known before it exists */
  name: string;
  substitutions: WorkflowSubstitutions<W>;
  /** the Lambda functions its Task states invoke (their plain ARNs, as the ASL names them) */
  invokes: string[];
}

/**
 * @example
 * new WorkflowStateMachine(this, 'Workflow', { workflow: 'queue-drain', name: 'longhaul-queue-drain',
 *   substitutions: { ProcessBatchFunctionArn: fn.functionArn, DrainQueueUrl: queue.queueUrl }, invokes: [fn.functionArn] });
 */
export class WorkflowStateMachine<W extends WorkflowName> extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly role: iam.Role;
  /** known before the state machine exists: its role and its starters refer to it without a cycle */
  readonly stateMachineArn: string;

  constructor(scope: Construct, id: string, props: WorkflowStateMachineProps<W>) {
    super(scope, id);
    this.stateMachineArn = Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: props.name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: `${props.workflow}: invokes its handlers and continues as new`,
    });
    // Plain function ARNs only: the ASL invokes no version or alias, so no `:*` is needed.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: props.invokes }));
    // continueAsNew: a Task state calls states:startExecution on $states.context.StateMachine.Id.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachineArn] }));

    const logGroup = new logs.LogGroup(this, 'Logs', {
      // Step Functions writes through vended log delivery, whose resource policy covers this prefix.
      logGroupName: `/aws/vendedlogs/states/${props.name}`,
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.name,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(aslPath(props.workflow)),
      definitionSubstitutions: { ...props.substitutions },
      role: this.role,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Only the statements CDK adds for logging (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) and X-Ray (xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets); AWS accepts only "*" for them.',
    });
  }

  /** Adds one explicit statement to the state machine's role, for the SDK integrations its ASL calls. */
  allow(actions: string[], resources: string[], conditions?: Record<string, Record<string, unknown>>): void {
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources, ...(conditions ? { conditions } : {}) }));
  }
}
