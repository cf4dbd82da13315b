/**
 * Every local integration, registered on an engine in one call: what `longhaul serve` and the
 * whole-stack tests use.
 */
import type { Engine } from '../../engine/engine.ts';
import { AwsSdkIntegration } from './aws-sdk.ts';
import { DynamoDbIntegration } from './dynamodb.ts';
import { EmailIntegration } from './email.ts';
import { HttpInvokeIntegration, type LocalConnection } from './http-invoke.ts';
import { MessagingIntegration } from './messaging.ts';
import type { Outbox } from './outbox.ts';
import type { EventBus } from './events.ts';
import type { LambdaInvoker } from '../lambda/task.ts';
import { StartExecutionIntegration } from './start-execution.ts';
import { StandIns, missingStandInMessage } from '../stand-ins/stand-ins.ts';

export interface LocalIntegrationsOptions {
  /** the local services' endpoint (`startLocalServices().endpoint`) */
  endpoint: string;
  /** the local DynamoDB's endpoint (`startLocalDynamoDb().endpoint`): without it, no DynamoDB integrations */
  dynamodbEndpoint?: string;
  /** the engine's Step Functions API URL: without it, no `aws-sdk:sfn:*` */
  sfnEndpoint?: string;
  /** the local SES v2 endpoint: `aws-sdk:sesv2:*` goes through it; without it, sendEmail goes straight to the outbox */
  sesv2Endpoint?: string;
  /** the Lambda runtime: without it, no `aws-sdk:lambda:*` */
  lambda?: LambdaInvoker;
  /** the local event bus: without it, no `aws-sdk:eventbridge:*` */
  bus?: EventBus;
  outbox: Outbox;
  /** EventBridge connections the HTTP Task may name, ARN → what each adds */
  connections?: Record<string, LocalConnection>;
  /** the project's stand-ins: resource pattern → module (see local/stand-ins/stand-ins.ts) */
  standIns?: Record<string, string>;
  /** where the stand-ins' relative module paths start (the config file's folder) */
  baseDir?: string;
}

/**
 * Registers aws-sdk S3/SQS/SNS/DynamoDB (and Step Functions, SES v2, Lambda, EventBridge when
 * their endpoint, runtime or bus is given), DynamoDB's item actions, SNS publish, SQS send, SES v2
 * email, the HTTP Task, states:startExecution and the project's stand-ins on `engine`
 * (events:putEvents needs the stack's rules: local/stack.ts registers it); a Task nothing runs
 * fails with a message that says how to declare a stand-in. Returns the function that closes
 * their clients. A stand-in wins over an emulator of the same resource: the project asked for it.
 *
 * @example
 * const services = await startLocalServices({ dataDir });
 * const close = registerLocalIntegrations(engine, { endpoint: services.endpoint, outbox: new Outbox({ dataDir }) });
 */
export function registerLocalIntegrations(engine: Engine, opts: LocalIntegrationsOptions): () => void {
  const scheduler = engine.scheduler;
  const { endpoint, dynamodbEndpoint, sfnEndpoint, sesv2Endpoint, lambda, bus, outbox } = opts;
  const sdk = new AwsSdkIntegration({ endpoint, dynamodbEndpoint, sfnEndpoint, sesv2Endpoint, lambda, bus, scheduler, outbox });
  const dynamodb = opts.dynamodbEndpoint === undefined ? undefined : new DynamoDbIntegration({ endpoint: opts.dynamodbEndpoint, scheduler });
  const messaging = new MessagingIntegration({ endpoint: opts.endpoint, scheduler, outbox: opts.outbox });
  engine.integrations
    .register(sdk)
    .register(messaging)
    .register(new HttpInvokeIntegration({ scheduler, connections: opts.connections }))
    .register(new StartExecutionIntegration({ engine }))
    .explainUnsupported(missingStandInMessage);
  if (dynamodb) engine.integrations.register(dynamodb);
  // without the SES endpoint, sendEmail still reaches the outbox (the SDK integration runs no sesv2 then)
  if (sesv2Endpoint === undefined) engine.integrations.register(new EmailIntegration({ outbox: opts.outbox, scheduler }));
  if (opts.standIns) engine.integrations.register(new StandIns({ standIns: opts.standIns, baseDir: opts.baseDir, scheduler, tokens: engine }));
  return () => {
    sdk.close();
    dynamodb?.close();
    messaging.close();
  };
}
