/**
 * The optimized DynamoDB integrations: `arn:aws:states:::dynamodb:getItem`, `putItem`,
 * `updateItem` and `deleteItem`, run through the real AWS SDK v3 client against the local
 * DynamoDB.
 *
 * The parameters are the API's own (`TableName`, `Key`, `Item`, `ConditionExpression`...), with
 * items in DynamoDB JSON as given; the result is the service's answer as it sent it (`Item`,
 * `Attributes`, `ConsumedCapacity`...) with the `SdkHttpMetadata` and `SdkResponseMetadata` Step
 * Functions adds. Errors are named as Step Functions names them for this integration, after the
 * AWS SDK for Java 1's `AmazonDynamoDBv2`: `DynamoDB.ConditionalCheckFailedException`,
 * `DynamoDB.ResourceNotFoundException`, `DynamoDB.AmazonDynamoDBException` for errors the service
 * model does not declare.
 */
import * as DynamoDB from '@aws-sdk/client-dynamodb';
import type { JsonObject, JsonValue } from '../../engine/json.ts';
import type { Scheduler } from '../../engine/runtime/clock.ts';
import type { TaskFlavor, TaskIntegration, TaskRequest } from '../../engine/runtime/integrations.ts';
import { LocalClients } from '../services/clients.ts';
import { asWork, parametersOf, parseResource, sdkHttpMetadata, sdkOutputVerbatim, serviceFlavor } from './common.ts';
import { OptimizedServiceFailure, SdkClientFailure, javaV1Cause, wireErrorCode, type SdkError } from './errors.ts';

/** The optimized actions and the command each runs. */
const ACTIONS = {
  getItem: DynamoDB.GetItemCommand,
  putItem: DynamoDB.PutItemCommand,
  updateItem: DynamoDB.UpdateItemCommand,
  deleteItem: DynamoDB.DeleteItemCommand,
} as const;
type Action = keyof typeof ACTIONS;

export interface DynamoDbIntegrationOptions {
  /** the local DynamoDB's endpoint (`startLocalDynamoDb().endpoint`) */
  endpoint: string;
  scheduler: Scheduler;
}

/**
 * `dynamodb:getItem|putItem|updateItem|deleteItem` (request-response, as on AWS: these actions
 * have no `.sync` or `.waitForTaskToken`).
 *
 * Caveat: the `SdkHttpMetadata` headers are modelled on what AWS returns (request id, status,
 * date); the local service's own headers are not copied.
 *
 * @example
 * engine.integrations.register(new DynamoDbIntegration({ endpoint: dynamodb.endpoint, scheduler: engine.scheduler }));
 * // "Resource": "arn:aws:states:::dynamodb:getItem", "Parameters": { "TableName": "jobs", "Key": { "id": { "S.$": "$.id" } } }
 */
export class DynamoDbIntegration implements TaskIntegration {
  private readonly clients: LocalClients;
  private readonly opts: DynamoDbIntegrationOptions;

  constructor(opts: DynamoDbIntegrationOptions) {
    this.opts = opts;
    this.clients = new LocalClients(opts.endpoint, { dynamodb: opts.endpoint });
  }

  flavor(resource: string): TaskFlavor | undefined {
    const r = parseResource(resource);
    if (!r || r.resourceType !== 'dynamodb' || r.pattern !== 'request' || !Object.hasOwn(ACTIONS, r.action)) return undefined;
    return serviceFlavor(r);
  }

  async invoke(req: TaskRequest): Promise<JsonValue> {
    const action = parseResource(req.resource)!.action as Action;
    const Command = ACTIONS[action] as new (input: unknown) => DynamoDB.GetItemCommand;
    const input = parametersOf(req);
    let res: { $metadata: { requestId?: string; httpStatusCode?: number } };
    try {
      res = await asWork(this.opts.scheduler, () => this.clients.dynamodb(req.region).send(new Command(input), { abortSignal: req.signal }));
    } catch (e) {
      if (req.signal.aborted) throw e;
      throw dynamoDbFailure(e as SdkError, (e as object).constructor !== DynamoDB.DynamoDBServiceException);
    }
    const result = sdkOutputVerbatim(res) as JsonObject;
    const meta = sdkHttpMetadata({
      requestId: res.$metadata.requestId ?? '', status: res.$metadata.httpStatusCode ?? 200, contentType: 'application/x-amz-json-1.0',
      contentLength: Buffer.byteLength(JSON.stringify(result)), date: new Date(this.opts.scheduler.now()),
    });
    return { ...result, ...meta };
  }

  close(): void {
    this.clients.destroy();
  }
}

/**
 * `DynamoDB.<Code>` for an error the service model declares, `DynamoDB.AmazonDynamoDBException`
 * for the others, `DynamoDB.SdkClientException` when the service was not reached.
 */
export function dynamoDbFailure(e: SdkError, modeled: boolean): Error {
  if (e.$metadata?.httpStatusCode === undefined) return new SdkClientFailure('DynamoDB.SdkClientException', e.message);
  const code = modeled ? wireErrorCode(e) : 'AmazonDynamoDBException';
  return new OptimizedServiceFailure(`DynamoDB.${code.endsWith('Exception') ? code : `${code}Exception`}`, javaV1Cause('AmazonDynamoDBv2', e));
}
