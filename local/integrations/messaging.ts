/**
 * The optimized messaging integrations: `arn:aws:states:::sns:publish` and
 * `arn:aws:states:::sqs:sendMessage`, each also as `.waitForTaskToken`.
 *
 * The message is really published to the local SNS topic (fanning out to its SQS subscriptions)
 * or sent to the local SQS queue, and recorded in the outbox. Results have the shape Step
 * Functions gives them (`MessageId`, `MD5OfMessageBody`... with `SdkHttpMetadata` and
 * `SdkResponseMetadata`); errors are named as Step Functions names them (`SNS.NotFoundException`,
 * `SQS.AmazonSQSException`).
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { JsonObject, JsonValue } from '../../engine/json.ts';
import type { Scheduler } from '../../engine/runtime/clock.ts';
import type { TaskFlavor, TaskIntegration, TaskRequest } from '../../engine/runtime/integrations.ts';
import { LocalClients } from '../services/clients.ts';
import { LOCAL_ACCOUNT_ID } from '../services/local-services.ts';
import { asText, asWork, localTopicArn, parametersOf, parseResource, sdkHttpMetadata, serviceFlavor } from './common.ts';
import { InvalidTaskParameters, OptimizedServiceFailure, SdkClientFailure, javaV1Cause, wireErrorCode, type SdkError } from './errors.ts';
import { OutboxChannel, type Outbox } from './outbox.ts';

/** The fields each optimized action passes on (Step Functions drops the others). */
const FIELDS = {
  publish: ['Message', 'MessageAttributes', 'MessageStructure', 'MessageDeduplicationId', 'MessageGroupId', 'PhoneNumber', 'Subject', 'TargetArn', 'TopicArn'],
  sendMessage: ['DelaySeconds', 'MessageAttributes', 'MessageBody', 'MessageDeduplicationId', 'MessageGroupId', 'QueueUrl'],
} as const;

export interface MessagingIntegrationOptions {
  endpoint: string;
  scheduler: Scheduler;
  outbox?: Outbox;
}

/**
 * `sns:publish` and `sqs:sendMessage`, request-response and `.waitForTaskToken`.
 *
 * Caveat: the `SdkHttpMetadata` headers are modelled on what AWS returns (request id, status,
 * date); the local service's own headers are not copied.
 *
 * @example
 * engine.integrations.register(new MessagingIntegration({ endpoint: services.endpoint, scheduler: engine.scheduler, outbox }));
 */
export class MessagingIntegration implements TaskIntegration {
  private readonly clients: LocalClients;
  private readonly opts: MessagingIntegrationOptions;

  constructor(opts: MessagingIntegrationOptions) {
    this.opts = opts;
    this.clients = new LocalClients(opts.endpoint);
  }

  flavor(resource: string): TaskFlavor | undefined {
    const r = parseResource(resource);
    if (!r || r.pattern === 'sync') return undefined;
    if ((r.resourceType === 'sns' && r.action === 'publish') || (r.resourceType === 'sqs' && r.action === 'sendMessage')) return serviceFlavor(r);
    return undefined;
  }

  invoke(req: TaskRequest): Promise<JsonValue> {
    const r = parseResource(req.resource)!;
    return r.resourceType === 'sns' ? this.publish(req) : this.send(req);
  }

  close(): void {
    this.clients.destroy();
  }

  private async publish(req: TaskRequest): Promise<JsonValue> {
    const input = pick(parametersOf(req), FIELDS.publish);
    if (input.Message === undefined) throw new InvalidTaskParameters("The field 'Message' is required by sns:publish");
    input.Message = asText(input.Message);
    if (input.TopicArn !== undefined) input.TopicArn = localTopicArn(input.TopicArn, LOCAL_ACCOUNT_ID)!;
    if (input.TargetArn !== undefined) input.TargetArn = localTopicArn(input.TargetArn, LOCAL_ACCOUNT_ID)!;
    let res: { MessageId?: string; SequenceNumber?: string; $metadata: { requestId?: string; httpStatusCode?: number } };
    try {
      res = await asWork(this.opts.scheduler, () =>
        this.clients.sns(req.region).send(new PublishCommand(input as unknown as ConstructorParameters<typeof PublishCommand>[0]), { abortSignal: req.signal }),
      );
    } catch (e) {
      if (req.signal.aborted) throw e;
      throw snsFailure(e as SdkError);
    }
    const result: JsonObject = { MessageId: res.MessageId ?? '' };
    if (res.SequenceNumber) result.SequenceNumber = res.SequenceNumber;
    this.record(OutboxChannel.Sns, req, input, result.MessageId as string);
    return { ...result, ...this.metadata(res.$metadata, result) };
  }

  private async send(req: TaskRequest): Promise<JsonValue> {
    const input = pick(parametersOf(req), FIELDS.sendMessage);
    if (input.QueueUrl === undefined || input.MessageBody === undefined) {
      throw new InvalidTaskParameters("The fields 'QueueUrl' and 'MessageBody' are required by sqs:sendMessage");
    }
    input.MessageBody = asText(input.MessageBody);
    let res: { MessageId?: string; MD5OfMessageBody?: string; MD5OfMessageAttributes?: string; SequenceNumber?: string; $metadata: { requestId?: string; httpStatusCode?: number } };
    try {
      res = await asWork(this.opts.scheduler, () =>
        this.clients.sqs(req.region).send(new SendMessageCommand(input as unknown as ConstructorParameters<typeof SendMessageCommand>[0]), { abortSignal: req.signal }),
      );
    } catch (e) {
      if (req.signal.aborted) throw e;
      throw sqsFailure(e as SdkError);
    }
    const result: JsonObject = {};
    if (res.MD5OfMessageAttributes) result.MD5OfMessageAttributes = res.MD5OfMessageAttributes;
    result.MD5OfMessageBody = res.MD5OfMessageBody ?? '';
    result.MessageId = res.MessageId ?? '';
    if (res.SequenceNumber) result.SequenceNumber = res.SequenceNumber;
    this.record(OutboxChannel.Sqs, req, input, result.MessageId as string);
    return { ...result, ...this.metadata(res.$metadata, result) };
  }

  private metadata(meta: { requestId?: string; httpStatusCode?: number }, result: JsonObject): JsonObject {
    return sdkHttpMetadata({
      requestId: meta.requestId ?? '', status: meta.httpStatusCode ?? 200, contentType: 'text/xml',
      contentLength: Buffer.byteLength(JSON.stringify(result)), date: new Date(this.opts.scheduler.now()),
    });
  }

  private record(channel: OutboxChannel, req: TaskRequest, message: JsonObject, id: string): void {
    this.opts.outbox?.record({
      id, channel, time: new Date(this.opts.scheduler.now()).toISOString(), resource: req.resource,
      executionArn: req.executionArn, stateName: req.stateName, message,
    });
  }
}

function pick(params: JsonObject, fields: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const f of fields) if (params[f] !== undefined) out[f] = params[f];
  return out;
}

/** `SNS.<Code>Exception`, as Step Functions names SNS errors. */
function snsFailure(e: SdkError): Error {
  if (e.$metadata?.httpStatusCode === undefined) return new SdkClientFailure('SNS.SdkClientException', e.message);
  const code = wireErrorCode(e);
  const name = code.endsWith('Exception') ? code : `${code}Exception`;
  return new OptimizedServiceFailure(`SNS.${name}`, javaV1Cause('AmazonSNS', e));
}

/** `SQS.AmazonSQSException` for every error the service answers; `SQS.SdkClientException` otherwise. */
function sqsFailure(e: SdkError): Error {
  if (e.$metadata?.httpStatusCode === undefined) return new SdkClientFailure('SQS.SdkClientException', e.message);
  return new OptimizedServiceFailure('SQS.AmazonSQSException', javaV1Cause('AmazonSQS', e));
}
