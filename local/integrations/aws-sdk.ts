/**
 * `arn:aws:states:::aws-sdk:s3:*`, `aws-sdk:sqs:*`, `aws-sdk:sns:*` and `aws-sdk:dynamodb:*`: any
 * action of these services, run through the real AWS SDK v3 client pointed at the local services.
 *
 * Step Functions' AWS SDK integrations take the API's own PascalCase fields (`{"Bucket": ...,
 * "Key": ...}`), which are the SDK v3 command inputs as they stand, and return the API's response
 * in the AWS SDK for Java 2's spelling (see common.ts), with an S3 object's Body as text. DynamoDB's
 * answers keep every name as the service sends it: attribute names are data, and attribute values
 * stay DynamoDB JSON (`{"S": "..."}`). Errors are named as AWS names them (see errors.ts).
 */
import * as DynamoDB from '@aws-sdk/client-dynamodb';
import * as S3 from '@aws-sdk/client-s3';
import * as SNS from '@aws-sdk/client-sns';
import * as SQS from '@aws-sdk/client-sqs';
import type { JsonObject, JsonValue } from '../../engine/json.ts';
import { isJsonObject } from '../../engine/json.ts';
import type { Scheduler } from '../../engine/runtime/clock.ts';
import type { TaskFlavor, TaskIntegration, TaskRequest } from '../../engine/runtime/integrations.ts';
import { LocalClients } from '../services/clients.ts';
import { LOCAL_ACCOUNT_ID } from '../services/local-services.ts';
import { asText, asWork, localTopicArn, parametersOf, parseResource, sdkOutputToJson, sdkOutputVerbatim, serviceFlavor } from './common.ts';
import { InvalidTaskParameters, awsSdkFailure, type SdkError } from './errors.ts';
import { OutboxChannel, type Outbox } from './outbox.ts';

type Service = 's3' | 'sqs' | 'sns' | 'dynamodb';

interface ServiceModule {
  module: Record<string, unknown>;
  /** the SDK's base class for errors the service model does not declare */
  base: new (...args: never[]) => Error;
}

const MODULES: Record<Service, ServiceModule> = {
  s3: { module: S3 as Record<string, unknown>, base: S3.S3ServiceException },
  sqs: { module: SQS as Record<string, unknown>, base: SQS.SQSServiceException },
  sns: { module: SNS as Record<string, unknown>, base: SNS.SNSServiceException },
  dynamodb: { module: DynamoDB as Record<string, unknown>, base: DynamoDB.DynamoDBServiceException },
};

type Command = new (input: unknown) => unknown;
interface SdkClient {
  send(command: unknown, options: { abortSignal?: AbortSignal }): Promise<unknown>;
}

export interface AwsSdkIntegrationOptions {
  /** the local services' endpoint (`startLocalServices().endpoint`) */
  endpoint: string;
  /** the local DynamoDB's endpoint (`startLocalDynamoDb().endpoint`); without it, the services' */
  dynamodbEndpoint?: string;
  scheduler: Scheduler;
  /** where SNS publishes and SQS messages are also recorded */
  outbox?: Outbox;
}

/**
 * Runs `aws-sdk:s3:*`, `aws-sdk:sqs:*`, `aws-sdk:sns:*` and `aws-sdk:dynamodb:*` tasks against the
 * local services.
 *
 * Caveats: every action the SDK has is accepted, but fauxqs answers only the ones it implements
 * (others fail as the service would for an unknown operation); an SNS topic ARN's account is
 * rewritten to the local account, since fauxqs keys topics by ARN.
 *
 * @example
 * engine.integrations.register(new AwsSdkIntegration({ endpoint: services.endpoint, scheduler: engine.scheduler }));
 * // "Resource": "arn:aws:states:::aws-sdk:s3:getObject", "Parameters": { "Bucket": "in", "Key": "a.json" }
 */
export class AwsSdkIntegration implements TaskIntegration {
  private readonly clients: LocalClients;
  private readonly opts: AwsSdkIntegrationOptions;

  constructor(opts: AwsSdkIntegrationOptions) {
    this.opts = opts;
    this.clients = new LocalClients(opts.endpoint, { dynamodb: opts.dynamodbEndpoint });
  }

  flavor(resource: string): TaskFlavor | undefined {
    const r = parseResource(resource);
    if (!r || !r.resourceType.startsWith('aws-sdk:') || r.pattern === 'sync') return undefined;
    const service = r.resourceType.slice('aws-sdk:'.length);
    return service in MODULES ? serviceFlavor(r) : undefined;
  }

  async invoke(req: TaskRequest): Promise<JsonValue> {
    const r = parseResource(req.resource)!;
    const service = r.resourceType.slice('aws-sdk:'.length) as Service;
    const { module, base } = MODULES[service];
    const commandName = `${r.action[0].toUpperCase()}${r.action.slice(1)}Command`;
    const CommandClass = module[commandName] as Command | undefined;
    if (typeof CommandClass !== 'function') {
      throw new InvalidTaskParameters(`The resource '${req.resource}' names no action of the service '${service}'`);
    }
    const input = prepareInput(service, r.action, parametersOf(req));
    const client = this.client(service, req.region);
    let response: unknown;
    try {
      response = await asWork(this.opts.scheduler, async () => {
        const res = (await client.send(new CommandClass(input), { abortSignal: req.signal })) as Record<string, unknown>;
        // the body is part of the answer: read it while the work is still open
        if (service === 's3' && res && typeof (res.Body as { transformToString?: unknown })?.transformToString === 'function') {
          res.Body = await (res.Body as { transformToString(enc: string): Promise<string> }).transformToString('utf-8');
        }
        return res;
      });
    } catch (e) {
      if (req.signal.aborted) throw e;
      const err = e as SdkError;
      throw awsSdkFailure(service, r.action, err, (e as object).constructor !== base);
    }
    const output = service === 'dynamodb' ? sdkOutputVerbatim(response) : sdkOutputToJson(response);
    this.record(service, r.action, req, input, output);
    return output;
  }

  /** Closes the clients' connections. */
  close(): void {
    this.clients.destroy();
  }

  private client(service: Service, region: string): SdkClient {
    if (service === 's3') return this.clients.s3(region) as unknown as SdkClient;
    if (service === 'sqs') return this.clients.sqs(region) as unknown as SdkClient;
    if (service === 'dynamodb') return this.clients.dynamodb(region) as unknown as SdkClient;
    return this.clients.sns(region) as unknown as SdkClient;
  }

  private record(service: Service, action: string, req: TaskRequest, input: JsonObject, output: JsonValue): void {
    const outbox = this.opts.outbox;
    if (!outbox || !isJsonObject(output)) return;
    const channel = service === 'sns' && action === 'publish' ? OutboxChannel.Sns : service === 'sqs' && action === 'sendMessage' ? OutboxChannel.Sqs : undefined;
    if (!channel || typeof output.MessageId !== 'string') return;
    outbox.record({
      id: output.MessageId, channel, time: new Date(this.opts.scheduler.now()).toISOString(), resource: req.resource,
      executionArn: req.executionArn, stateName: req.stateName, message: input,
    });
  }
}

/** The command input: text fields given as JSON are serialised, topic ARNs made local. */
function prepareInput(service: Service, action: string, params: JsonObject): JsonObject {
  const input: JsonObject = { ...params };
  if (service === 's3' && (action === 'putObject' || action === 'uploadPart') && input.Body !== undefined) input.Body = asText(input.Body);
  if (service === 'sqs') {
    if (input.MessageBody !== undefined) input.MessageBody = asText(input.MessageBody);
    if (Array.isArray(input.Entries)) {
      input.Entries = input.Entries.map((e) => (isJsonObject(e) && e.MessageBody !== undefined ? { ...e, MessageBody: asText(e.MessageBody) } : e));
    }
  }
  if (service === 'sns') {
    if (input.Message !== undefined) input.Message = asText(input.Message);
    for (const field of ['TopicArn', 'TargetArn'] as const) {
      if (input[field] !== undefined) input[field] = localTopicArn(input[field], LOCAL_ACCOUNT_ID)!;
    }
  }
  return input;
}
