/**
 * Alarms on what needs a person: failed and timed-out executions, and messages in a dead-letter
 * queue. They notify one SNS topic, e-mailed when an address is configured.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AlertingProps {
  /** e-mailed on every alarm; none: the alarms show in the CloudWatch console only */
  email?: string;
}

/**
 * @example
 * const alerting = new Alerting(this, 'Alerting', { email: config.alarmEmail });
 * alerting.onExecutionProblems(workflow.stateMachine);
 * alerting.onDeadLetters(dlq);
 */
export class Alerting extends Construct {
  readonly topic: sns.Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { enforceSSL: true });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    this.action = new SnsAction(this.topic);
  }

  /** Failed and timed-out executions, each an alarm at the first one in 5 minutes. */
  onExecutionProblems(stateMachine: sfn.StateMachine): cloudwatch.Alarm[] {
    const period = Duration.minutes(5);
    return [
      this.alarm('ExecutionsFailed', stateMachine.metricFailed({ period, statistic: 'Sum' }), `${stateMachine.node.path}: an execution failed`),
      this.alarm('ExecutionsTimedOut', stateMachine.metricTimedOut({ period, statistic: 'Sum' }), `${stateMachine.node.path}: an execution timed out`),
    ];
  }

  /** A dead-letter queue that holds any message. */
  onDeadLetters(id: string, queue: sqs.IQueue): cloudwatch.Alarm {
    return this.alarm(id, queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      'messages in a dead-letter queue: inspect them, then redrive them from the SQS console');
  }

  private alarm(id: string, metric: cloudwatch.IMetric, description: string): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(this.action);
    return alarm;
  }
}
