/**
 * `arn:aws:states:::aws-sdk:<service>:<action>` for every service the local stack emulates: any
 * action of S3, SQS, SNS, DynamoDB, Step Functions (`sfn`, the engine's own API) and SES v2, run
 * through the real AWS SDK v3 client pointed at the local endpoint; Lambda's Invoke through the
 * local Lambda runtime and EventBridge's PutEvents onto the local bus, which speak no AWS protocol.
 *
 * Step Functions' AWS SDK integrations take the API's fields in PascalCase (`{"Bucket": ...,
 * "Key": ...}`, `{"StateMachineArn": ...}`), and return the API's response in the AWS SDK for
 * Java 2's spelling (see common.ts), with an S3 object's Body as text and a Lambda response's
 * Payload as the text the function returned (the optimized `lambda:invoke` parses it; this does
 * not, as on AWS). DynamoDB's answers keep every name as the service sends it: attribute names are
 * data, and attribute values stay DynamoDB JSON (`{"S": "..."}`). Errors are named as AWS names
 * them (see errors.ts): `Sfn.ExecutionAlreadyExistsException`, `Lambda.ResourceNotFoundException`.
 *
 * A state machine may call its own engine (`aws-sdk:sfn:describeExecution` of its child): the
 * call goes over HTTP to the engine's API server, which answers while the engine runs on.
 */
import * as DynamoDB from '@aws-sdk/client-dynamodb';
import * as S3 from '@aws-sdk/client-s3';
import * as SNS from '@aws-sdk/client-sns';
import * as SQS from '@aws-sdk/client-sqs';
import * as SFN from '@aws-sdk/client-sfn';
import * as SESv2 from '@aws-sdk/client-sesv2';
import { randomUUID } from 'node:crypto';
import type { JsonObject, JsonValue } from '../../engine/json.ts';
import { isJsonObject } from '../../engine/json.ts';
import type { Scheduler } from '../../engine/runtime/clock.ts';
import type { TaskFlavor, TaskIntegration, TaskRequest } from '../../engine/runtime/integrations.ts';
import { LocalClients, localClientConfig } from '../services/clients.ts';
import { parseFunctionRef } from '../lambda/arn.ts';
import { LambdaServiceError } from '../lambda/errors.ts';
import { InvocationType, invokePayload, type LambdaInvoker } from '../lambda/task.ts';
import { busEvent, refusal, type EventBus } from './events.ts';
import { LOCAL_ACCOUNT_ID } from '../services/local-services.ts';
import { asText, asWork, localTopicArn, parametersOf, parseResource, sdkOutputToJson, sdkOutputVerbatim, serviceFlavor } from './common.ts';
import { AwsSdkServiceFailure, InvalidTaskParameters, SdkServiceErrorName, awsSdkFailure, type SdkError } from './errors.ts';
import { OutboxChannel, type Outbox } from './outbox.ts';
import { SES_TASK_HEADERS } from '../services/ses.ts';

/** The services whose local endpoint speaks the service's protocol: any action, through the SDK. */
type ClientService = 's3' | 'sqs' | 'sns' | 'dynamodb' | 'sfn' | 'sesv2';
/** The services that run in process, without an endpoint: the actions written here. */
type InProcessService = 'lambda' | 'eventbridge';
type Service = ClientService | InProcessService;

interface ServiceModule {
  module: Record<string, unknown>;
  /** the SDK's base class for errors the service model does not declare */
  base: new (...args: never[]) => Error;
}

const MODULES: Record<ClientService, ServiceModule> = {
  s3: { module: S3 as Record<string, unknown>, base: S3.S3ServiceException },
  sqs: { module: SQS as Record<string, unknown>, base: SQS.SQSServiceException },
  sns: { module: SNS as Record<string, unknown>, base: SNS.SNSServiceException },
  dynamodb: { module: DynamoDB as Record<string, unknown>, base: DynamoDB.DynamoDBServiceException },
  sfn: { module: SFN as Record<string, unknown>, base: SFN.SFNServiceException },
  sesv2: { module: SESv2 as Record<string, unknown>, base: SESv2.SESv2ServiceException },
};

/** What the in-process services answer: the actions written for them, in the API's camelCase. */
const IN_PROCESS_ACTIONS: Record<InProcessService, { actions: readonly string[]; emulator: string }> = {
  lambda: { actions: ['invoke'], emulator: 'the local Lambda runtime' },
  eventbridge: { actions: ['putEvents'], emulator: 'the local event bus' },
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
  /** the engine's Step Functions API (`stack.api.url`): without it, no `aws-sdk:sfn:*` */
  sfnEndpoint?: string;
  /** the local SES v2 endpoint (`startSesEndpoint().url`): without it, no `aws-sdk:sesv2:*` */
  sesv2Endpoint?: string;
  /** the Lambda runtime: without it, no `aws-sdk:lambda:*` */
  lambda?: LambdaInvoker;
  /** the local event bus: without it, no `aws-sdk:eventbridge:*` */
  bus?: EventBus;
  scheduler: Scheduler;
  /** where SNS publishes and SQS messages are also recorded */
  outbox?: Outbox;
}

/**
 * Runs `aws-sdk:<service>:*` tasks against the local services: S3, SQS, SNS always; DynamoDB,
 * Step Functions, SES v2, Lambda and EventBridge when their endpoint, runtime or bus is given.
 *
 * Caveats: every action the SDK has is accepted, but fauxqs answers only the ones it implements
 * (others fail as the service would for an unknown operation), and the local SES endpoint only
 * SendEmail; Lambda answers only Invoke and EventBridge only PutEvents (other actions fail with
 * `Lambda.LambdaException` / `EventBridge.EventBridgeException` naming what is not emulated); an
 * SNS topic ARN's account is rewritten to the local account, since fauxqs keys topics by ARN.
 *
 * @example
 * engine.integrations.register(new AwsSdkIntegration({ endpoint: services.endpoint, sfnEndpoint: api.url, scheduler: engine.scheduler }));
 * // "Resource": "arn:aws:states:::aws-sdk:s3:getObject", "Parameters": { "Bucket": "in", "Key": "a.json" }
 */
export class AwsSdkIntegration implements TaskIntegration {
  private readonly clients: LocalClients;
  private readonly own = new Map<string, SdkClient & { destroy(): void }>();
  private readonly opts: AwsSdkIntegrationOptions;

  constructor(opts: AwsSdkIntegrationOptions) {
    this.opts = opts;
    this.clients = new LocalClients(opts.endpoint, { dynamodb: opts.dynamodbEndpoint });
  }

  flavor(resource: string): TaskFlavor | undefined {
    const r = parseResource(resource);
    if (!r || !r.resourceType.startsWith('aws-sdk:') || r.pattern === 'sync') return undefined;
    return this.runs(r.resourceType.slice('aws-sdk:'.length)) ? serviceFlavor(r) : undefined;
  }

  async invoke(req: TaskRequest): Promise<JsonValue> {
    const r = parseResource(req.resource)!;
    const service = r.resourceType.slice('aws-sdk:'.length) as Service;
    if (service === 'lambda' || service === 'eventbridge') return this.inProcess(service, r.action, req);
    const { module, base } = MODULES[service];
    const commandName = `${r.action[0].toUpperCase()}${r.action.slice(1)}Command`;
    const CommandClass = module[commandName] as Command | undefined;
    if (typeof CommandClass !== 'function') {
      throw new InvalidTaskParameters(`The resource '${req.resource}' names no action of the service '${service}'`);
    }
    const input = prepareInput(service, r.action, parametersOf(req));
    const client = this.client(service, req.region);
    const command = new CommandClass(service === 'sfn' ? camelCaseMembers(input) : input);
    if (service === 'sesv2') attributeTo(command, req);
    let response: unknown;
    try {
      response = await asWork(this.opts.scheduler, async () => {
        const res = (await client.send(command, { abortSignal: req.signal })) as Record<string, unknown>;
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
    for (const c of this.own.values()) c.destroy();
    this.own.clear();
  }

  /** Whether this stack emulates the service (given its endpoint, runtime or bus). */
  private runs(service: string): boolean {
    switch (service) {
      case 's3': case 'sqs': case 'sns': case 'dynamodb': return true;
      case 'sfn': return this.opts.sfnEndpoint !== undefined;
      case 'sesv2': return this.opts.sesv2Endpoint !== undefined;
      case 'lambda': return this.opts.lambda !== undefined;
      case 'eventbridge': return this.opts.bus !== undefined;
      default: return false;
    }
  }

  private client(service: ClientService, region: string): SdkClient {
    if (service === 's3') return this.clients.s3(region) as unknown as SdkClient;
    if (service === 'sqs') return this.clients.sqs(region) as unknown as SdkClient;
    if (service === 'dynamodb') return this.clients.dynamodb(region) as unknown as SdkClient;
    if (service === 'sns') return this.clients.sns(region) as unknown as SdkClient;
    const key = `${service}:${region}`;
    let c = this.own.get(key);
    if (!c) {
      c = service === 'sfn'
        ? (new SFN.SFNClient(localClientConfig(this.opts.sfnEndpoint!, region)) as unknown as SdkClient & { destroy(): void })
        : (new SESv2.SESv2Client(localClientConfig(this.opts.sesv2Endpoint!, region)) as unknown as SdkClient & { destroy(): void });
      this.own.set(key, c);
    }
    return c;
  }

  /** Lambda's Invoke and EventBridge's PutEvents; any other action is refused as not emulated. */
  private async inProcess(service: InProcessService, action: string, req: TaskRequest): Promise<JsonValue> {
    const params = parametersOf(req);
    if (service === 'lambda' && action === 'invoke') return this.invokeFunction(params, req);
    if (service === 'eventbridge' && action === 'putEvents') return this.putEvents(params, req);
    const svc = SdkServiceErrorName[service];
    const { actions, emulator } = IN_PROCESS_ACTIONS[service];
    const operation = `${action[0].toUpperCase()}${action.slice(1)}`;
    throw new AwsSdkServiceFailure(
      `${svc}.${svc}Exception`,
      `${operation} is not emulated: ${emulator} answers only ${actions.map((a) => `${a[0].toUpperCase()}${a.slice(1)}`).join(', ')} `
        + `(declare a stand-in for aws-sdk:${service}:${action} in longhaul.config.json "standIns") (Service: ${svc}, Status Code: 400, Request ID: ${randomUUID()})`,
    );
  }

  /** Invoke through the Lambda runtime, answered as the SDK answers: Payload as the function's text, FunctionError not a failure. */
  private async invokeFunction(params: JsonObject, req: TaskRequest): Promise<JsonValue> {
    if (typeof params.FunctionName !== 'string') throw new InvalidTaskParameters("The field 'FunctionName' of lambda:invoke must be a string");
    const ref = parseFunctionRef(params.FunctionName);
    const type = params.InvocationType;
    let result;
    try {
      result = await this.opts.lambda!.invokeFunction({
        ...ref,
        qualifier: typeof params.Qualifier === 'string' ? params.Qualifier : ref.qualifier,
        payload: invokePayload(params.Payload),
        invocationType: type === InvocationType.Event || type === InvocationType.DryRun ? type : InvocationType.RequestResponse,
        region: req.region,
        accountId: req.accountId,
        callerTimeoutSeconds: req.timeoutSeconds,
      });
    } catch (e) {
      if (!(e instanceof LambdaServiceError) || req.signal.aborted) throw e;
      const requestId = (e as { requestId?: string }).requestId ?? randomUUID();
      throw awsSdkFailure('lambda', 'invoke', { name: e.type, message: e.message, $metadata: { httpStatusCode: e.status, requestId } }, true);
    }
    const output: JsonObject = {};
    if (result.executedVersion !== undefined) output.ExecutedVersion = result.executedVersion;
    if (result.functionError !== undefined) output.FunctionError = result.functionError;
    output.Payload = result.payload;
    output.StatusCode = result.statusCode;
    return output;
  }

  /** PutEvents onto the local bus: refused entries are reported in the answer, as the API does, not failed. */
  private putEvents(params: JsonObject, req: TaskRequest): JsonValue {
    const entries = params.Entries;
    if (!Array.isArray(entries) || entries.length === 0) throw new InvalidTaskParameters("The field 'Entries' of eventbridge:putEvents must be a non-empty array");
    const now = this.opts.scheduler.now();
    const results: JsonObject[] = [];
    let failed = 0;
    for (const entry of entries) {
      const problem = refusal(entry);
      if (problem) {
        failed++;
        results.push({ ErrorCode: 'InvalidArgument', ErrorMessage: problem });
        continue;
      }
      const put = busEvent(entry as JsonObject, { account: req.accountId, region: req.region, now, resources: [] });
      this.opts.bus!(put.event, put.bus);
      results.push({ EventId: put.event.id });
    }
    return { Entries: results, FailedEntryCount: failed };
  }

  private record(service: ClientService, action: string, req: TaskRequest, input: JsonObject, output: JsonValue): void {
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
function prepareInput(service: ClientService, action: string, params: JsonObject): JsonObject {
  const input: JsonObject = { ...params };
  if (service === 'sfn') {
    // Input, Output: text in the API, but a definition may give JSON
    for (const field of ['Input', 'Output'] as const) if (input[field] !== undefined) input[field] = asText(input[field]);
  }
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

/**
 * The Step Functions API's members are camelCase (`stateMachineArn`), a definition writes them in
 * PascalCase (`StateMachineArn`) as for every service: the SDK v3 command takes the API's names.
 * SFN's requests hold no maps whose keys are data, so every key is renamed.
 */
function camelCaseMembers(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(camelCaseMembers);
  if (!isJsonObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [`${k[0].toLowerCase()}${k.slice(1)}`, camelCaseMembers(v)]));
}

/**
 * Tells the local SES endpoint which task sent the e-mail, so the outbox shows its execution and
 * state as it does for an e-mail from any other Task.
 */
function attributeTo(command: unknown, req: TaskRequest): void {
  const stack = (command as { middlewareStack: { add(mw: unknown, opts: { step: string; name: string }): void } }).middlewareStack;
  stack.add(
    (next: (args: { request: { headers: Record<string, string> } }) => Promise<unknown>) => (args: { request: { headers: Record<string, string> } }) => {
      args.request.headers[SES_TASK_HEADERS.resource] = req.resource;
      args.request.headers[SES_TASK_HEADERS.executionArn] = req.executionArn;
      args.request.headers[SES_TASK_HEADERS.stateName] = encodeURIComponent(req.stateName);
      return next(args);
    },
    { step: 'build', name: 'longhaulTaskAttribution' },
  );
}
