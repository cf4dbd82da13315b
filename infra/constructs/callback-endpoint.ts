/**
 * Where the BI service's webhooks land: an HTTP API (payload 2.0, the event shape
 * handlers/callback-receiver reads) with one route, POST /callbacks, to the callback receiver,
 * which checks the HMAC signature with the secret from Secrets Manager and settles the task token.
 *
 * Why the SendTask* statement names no state machine: states:SendTaskSuccess, SendTaskFailure and
 * SendTaskHeartbeat have no resource type in IAM (the Service Authorization Reference lists none,
 * and the IAM editor says "Selected actions only support the all resources wildcard"), and no
 * condition key narrows them to a state machine; a statement with a state machine ARN simply does
 * not match, and the calls are denied. So the closest thing to "this state machine only" is: only
 * this receiver's role has the actions, the receiver accepts only webhooks signed with this
 * deployment's secret, and the task token itself (unguessable, bound to one task of one execution)
 * is the capability. The README's deploy section says the same.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { HandlerFunction, HandlerName } from './handler-function.ts';

export interface CallbackEndpointProps {
  bundling: boolean;
}

/**
 * @example
 * const callbacks = new CallbackEndpoint(this, 'Callbacks', { bundling: true });
 * substitutions.CallbackBaseUrl = callbacks.baseUrl; // the workflow appends /callbacks?token=...
 */
export class CallbackEndpoint extends Construct {
  readonly api: apigw.HttpApi;
  readonly receiver: HandlerFunction;
  /** the webhook signing secret shared with the BI service (BI_WEBHOOK_SECRET locally) */
  readonly webhookSecret: secretsmanager.Secret;
  /** `https://<api-id>.execute-api.<region>.amazonaws.com`: the $default stage has no path */
  readonly baseUrl: string;

  constructor(scope: Construct, id: string, props: CallbackEndpointProps) {
    super(scope, id);
    this.webhookSecret = new secretsmanager.Secret(this, 'WebhookSecret', {
      description: 'Longhaul: the HMAC secret the BI service signs its webhooks with (X-BI-Signature)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.webhookSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The secret is shared with the BI service, which signs with it; rotating it needs the BI service to switch in step, done by hand (README.md, Deploying to AWS).',
    });
    this.receiver = new HandlerFunction(this, 'Receiver', {
      handler: HandlerName.CallbackReceiver,
      bundling: props.bundling,
      timeout: Duration.seconds(15),
      readsSecrets: true,
      environment: { BI_WEBHOOK_SECRET_ARN: this.webhookSecret.secretArn },
    });
    this.receiver.allow(['secretsmanager:GetSecretValue'], [this.webhookSecret.secretArn]);
    // Resource "*" because AWS allows nothing else for these actions; see the comment at the top.
    this.receiver.allow(['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'], ['*']);
    Validations.of(this.receiver.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'states:SendTaskSuccess/Failure/Heartbeat support no resource type in IAM, only "*"; the signed webhook and the task token limit what the receiver can settle.',
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'Longhaul: BI service webhooks -> callback receiver',
      createDefaultStage: false,
    });
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      // A webhook flood costs Lambda invocations, not correctness; cap it well above the BI service's rate.
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        // No query string in the log: it carries the task token.
        format: AccessLogFormat.custom(JSON.stringify({
          requestId: '$context.requestId',
          ip: '$context.identity.sourceIp',
          requestTime: '$context.requestTime',
          method: '$context.httpMethod',
          path: '$context.path',
          status: '$context.status',
          integrationStatus: '$context.integrationStatus',
          latency: '$context.responseLatency',
        })),
      },
    });
    const routes = this.api.addRoutes({
      path: '/callbacks',
      methods: [apigw.HttpMethod.POST],
      integration: new HttpLambdaIntegration('Receiver', this.receiver.function, { payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0 }),
    });
    for (const route of routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: 'The BI service cannot send IAM or JWT credentials; the receiver authenticates every webhook by its HMAC signature (X-BI-Signature) and refuses the rest with 401.',
      });
    }
    this.baseUrl = this.api.apiEndpoint;
  }
}
