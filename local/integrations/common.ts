/**
 * What the local integrations share: reading a Task resource, marking real I/O so a virtual clock
 * does not jump during it, and turning AWS SDK v3 responses into the JSON Step Functions returns.
 */
import type { JsonObject, JsonValue } from '../../engine/json.ts';
import { isJsonObject } from '../../engine/json.ts';
import type { Scheduler } from '../../engine/runtime/clock.ts';
import type { TaskFlavor, TaskRequest } from '../../engine/runtime/integrations.ts';
import { flavorPattern, IntegrationPattern as ArnPattern, parseResourceArn } from '../../engine/definition/resource-arn.ts';
import { InvalidTaskParameters } from './errors.ts';

export type IntegrationPattern = 'request' | 'sync' | 'waitForTaskToken';

/** A service Task resource, split as history shows it. */
export interface ServiceResource {
  /** `aws-sdk:s3`, `sns`, `states`, `http` */
  resourceType: string;
  /** `getObject`, `publish.waitForTaskToken`, `startExecution.sync:2` */
  resource: string;
  /** the action without the pattern suffix */
  action: string;
  pattern: IntegrationPattern;
  /** `.sync:2` → 2; `.sync` → 1; otherwise 0 */
  syncVersion: number;
}

/**
 * Splits `arn:aws:states:::<service>:<action>[.pattern]` as history shows it; `undefined` for
 * other resources. The reading is engine/definition/resource-arn.ts's, shared with the validator
 * and the engine.
 *
 * @example
 * parseResource('arn:aws:states:::states:startExecution.sync:2')
 * // { resourceType: 'states', resource: 'startExecution.sync:2', action: 'startExecution', pattern: 'sync', syncVersion: 2 }
 */
export function parseResource(arn: string): ServiceResource | undefined {
  const r = parseResourceArn(arn);
  if (r?.kind !== 'integration') return undefined;
  const pattern = flavorPattern(r.pattern);
  const syncVersion = r.pattern === ArnPattern.Sync2 ? 2 : r.pattern === ArnPattern.Sync ? 1 : 0;
  return { resourceType: r.resourceType, resource: r.resource, action: r.action, pattern, syncVersion };
}

export function serviceFlavor(r: ServiceResource): TaskFlavor {
  return { kind: 'service', resourceType: r.resourceType, resource: r.resource, pattern: r.pattern };
}

/** Runs real I/O as open work: a virtual clock does not jump while it is in flight. */
export async function asWork<T>(scheduler: Scheduler, work: () => Promise<T>): Promise<T> {
  const done = scheduler.beginWork();
  try {
    return await work();
  } finally {
    done();
  }
}

/** The task's parameters as an object; a task with no parameters object cannot make a request. */
export function parametersOf(req: TaskRequest): JsonObject {
  if (!isJsonObject(req.parameters)) throw new InvalidTaskParameters(`The parameters of the task '${req.stateName}' must be a JSON object`);
  return req.parameters;
}

/** A string field as a request sends it: Step Functions serialises a JSON value given for text. */
export function asText(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Java's Instant.toString(): ISO-8601 with the fraction only when there is one. */
export function instantText(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

/** Map-valued members: their keys are data, not member names, and keep their case. */
const MAP_MEMBERS = new Set(['Metadata', 'Attributes', 'MessageAttributes', 'MessageSystemAttributes', 'Tags', 'TagMap']);

/**
 * A member name as the AWS SDK for Java 2 spells it in Step Functions results: acronyms cased
 * as words.
 *
 * @example
 * sfnMemberName('MD5OfMessageBody') // 'Md5OfMessageBody'
 * sfnMemberName('ETag') // 'ETag'
 */
export function sfnMemberName(name: string): string {
  const snake = name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .toLowerCase();
  return snake.split('_').map((w) => (w ? w[0].toUpperCase() + w.slice(1) : w)).join('');
}

/**
 * An AWS SDK v3 response as Step Functions returns it from an `aws-sdk:*` task: no `$metadata`,
 * timestamps as ISO-8601 text, bytes as base64, member names in the Java SDK's spelling (the keys
 * of map members such as `Metadata` and `Attributes` are data and keep theirs).
 *
 * @example
 * sdkOutputToJson({ MD5OfMessageBody: 'ab', $metadata: {} }) // { Md5OfMessageBody: 'ab' }
 */
export function sdkOutputToJson(value: unknown, keepKeys = false): JsonValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return instantText(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map((v) => sdkOutputToJson(v));
  if (typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === '$metadata' || v === undefined) continue;
      out[keepKeys ? k : sfnMemberName(k)] = sdkOutputToJson(v, MAP_MEMBERS.has(k));
    }
    return out;
  }
  if (typeof value === 'bigint') return Number(value);
  return value as JsonValue;
}

/**
 * An AWS SDK v3 response as JSON with every member name as the service sent it: no `$metadata`,
 * timestamps as ISO-8601 text, bytes as base64. DynamoDB's answers are read this way, since their
 * attribute names are data and their attribute values (`S`, `N`, `BOOL`, `M`...) DynamoDB JSON.
 *
 * @example
 * sdkOutputVerbatim({ Item: { id: { S: 'a' }, done: { BOOL: true } }, $metadata: {} })
 * // { Item: { id: { S: 'a' }, done: { BOOL: true } } }
 */
export function sdkOutputVerbatim(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return instantText(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Set) return [...value].map((v) => sdkOutputVerbatim(v));
  if (Array.isArray(value)) return value.map((v) => sdkOutputVerbatim(v));
  if (typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === '$metadata' || v === undefined) continue;
      out[k] = sdkOutputVerbatim(v);
    }
    return out;
  }
  if (typeof value === 'bigint') return Number(value);
  return value as JsonValue;
}

/**
 * The `SdkHttpMetadata` and `SdkResponseMetadata` that optimized integrations add to a result
 * (Step Functions runs them on the AWS SDK for Java 1, which reports its HTTP response).
 */
export function sdkHttpMetadata(opts: { requestId: string; status: number; contentType: string; contentLength: number; date: Date }): JsonObject {
  const date = opts.date.toUTCString();
  const length = String(opts.contentLength);
  return {
    SdkHttpMetadata: {
      AllHttpHeaders: {
        'x-amzn-RequestId': [opts.requestId],
        connection: ['keep-alive'],
        'Content-Length': [length],
        Date: [date],
        'Content-Type': [opts.contentType],
      },
      HttpHeaders: {
        connection: 'keep-alive',
        'Content-Length': length,
        'Content-Type': opts.contentType,
        Date: date,
        'x-amzn-RequestId': opts.requestId,
      },
      HttpStatusCode: opts.status,
    },
    SdkResponseMetadata: { RequestId: opts.requestId },
  };
}

/** Rewrites an SNS topic ARN's account to the local services' account (fauxqs keys topics by ARN). */
export function localTopicArn(arn: JsonValue | undefined, localAccount: string): JsonValue | undefined {
  if (typeof arn !== 'string') return arn;
  return arn.replace(/^(arn:[^:]+:sns:[^:]*:)(\d{12})(:)/, `$1${localAccount}$3`);
}
