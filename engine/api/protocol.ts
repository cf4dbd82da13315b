/**
 * The AWS JSON 1.0 protocol as Step Functions speaks it: the action registry's types, errors in
 * AWS's shape, the readers that check a request's members the way AWS's front end does, and the
 * wire forms of dates and page tokens.
 */
import { ApiError, type Engine } from '../engine.ts';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../json-limits.ts';
import { MAX_PAYLOAD_BYTES } from '../dataflow/limits.ts';

/** What every action receives besides its request. */
export interface ApiContext {
  engine: Engine;
  /** the local stack's outbox, when the server was given one (the `Longhaul.ListOutbox` extension) */
  outbox?: OutboxReader;
  /** aborted when the client goes away or the server stops: a long poll (GetActivityTask) ends then */
  signal?: AbortSignal;
}

/** What the API reads of an outbox of sent e-mails and messages (local/integrations/outbox.ts). */
export interface OutboxReader {
  /** entries, oldest first */
  list(): readonly object[];
}

/** A request body: the JSON object the client sent. */
export type ApiRequest = Readonly<Record<string, unknown>>;

/** One action: reads its request, answers the response body (or throws an ApiError). */
export type Action = (request: ApiRequest, ctx: ApiContext) => object | Promise<object>;

/** The `X-Amz-Target` prefix of every Step Functions action. */
export const TARGET_PREFIX = 'AWSStepFunctions.';

/** The `X-Amz-Target` prefix of Longhaul's own actions, which AWS does not have (the console uses them). */
export const EXTENSION_PREFIX = 'Longhaul.';

export const CONTENT_TYPE = 'application/x-amz-json-1.0';

/** 256 KiB: the largest input, output or task result a request may carry, in UTF-8 bytes: the payload limit states keep. */
export { MAX_PAYLOAD_BYTES };

/**
 * The largest request body of an action that carries a definition (up to 1,048,576 characters)
 * and, for TestState, an input, variables and a mocked result besides: clients that escape every
 * non-ASCII character (`\uXXXX`, as the AWS CLI does) send up to six bytes per character.
 */
export const MAX_DEFINITION_BODY_BYTES = 8 * 1024 * 1024;

/**
 * The largest request body of every other action: a 256 KiB payload is at most 768 KiB once
 * escaped into the request's JSON (three bytes of escape per UTF-8 byte at worst), with room for
 * the other members.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The namespaces AWS prefixes `__type` with. Clients keep what follows `#` (SDK v3, botocore),
 * and the SDK also reads the `x-amzn-ErrorType` header, which the server sets too.
 */
const NAMESPACE: Record<string, string> = {
  SerializationException: 'com.amazon.coral.service',
  UnknownOperationException: 'com.amazon.coral.service',
  InternalFailure: 'com.amazon.coral.service',
  AccessDeniedException: 'com.amazon.coral.service',
  ValidationException: 'com.amazon.coral.validate',
};

/** The error body AWS sends: `{"__type": "namespace#Name", "message": "..."}`. */
export function errorBody(type: string, message: string): { __type: string; message: string } {
  return { __type: `${NAMESPACE[type] ?? 'com.amazonaws.swf.service.v2.model'}#${type}`, message };
}

/** ValidationException in the words of AWS's request validation. */
export function validationError(problem: string): ApiError {
  return new ApiError('ValidationException', `1 validation error detected: ${problem}`);
}

/** A member of the wrong JSON type: AWS's deserializer refuses the whole request. */
function wrongType(name: string, expected: string): ApiError {
  return new ApiError('SerializationException', `Unexpected value type for member '${name}': expected ${expected}`);
}

/** Epoch milliseconds as the protocol's timestamps: epoch seconds, with milliseconds as the fraction. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}

/** Length of a string in UTF-8 bytes: AWS's payload limits count bytes. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

// ---- request members

/** A required string member. */
export function requiredString(req: ApiRequest, name: string, max?: number): string {
  const v = req[name];
  if (v === undefined || v === null) throw validationError(`Value null at '${name}' failed to satisfy constraint: Member must not be null`);
  return checkString(v, name, max);
}

/** An optional string member. */
export function optionalString(req: ApiRequest, name: string, max?: number): string | undefined {
  const v = req[name];
  if (v === undefined || v === null) return undefined;
  return checkString(v, name, max);
}

function checkString(v: unknown, name: string, max: number | undefined): string {
  if (typeof v !== 'string') throw wrongType(name, 'a string');
  if (max !== undefined && v.length > max) {
    throw validationError(`Value '${v}' at '${name}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
  }
  return v;
}

/**
 * How AWS refuses a payload member that is not acceptable JSON: StartExecution's and TestState's
 * input with InvalidExecutionInput, SendTaskSuccess's output with InvalidOutput, and the other
 * members (TestState's variables, context, mocked result) with ValidationException.
 */
export const PayloadKind = {
  ExecutionInput: { type: 'InvalidExecutionInput', what: 'Invalid State Machine Execution Input' },
  TaskOutput: { type: 'InvalidOutput', what: 'Invalid Output' },
  Other: { type: 'ValidationException', what: 'Invalid payload' },
} as const;
export type PayloadKind = (typeof PayloadKind)[keyof typeof PayloadKind];

/**
 * A payload member (input, output): JSON text whose size counts in UTF-8 bytes; AWS never echoes
 * its value. Text nested deeper than MAX_JSON_DEPTH is refused here, before anything is stored or
 * started: the engine could not serialize it safely (engine/json-limits.ts).
 */
export function payloadString(req: ApiRequest, name: string, kind: PayloadKind = PayloadKind.Other): string | undefined {
  const v = req[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw wrongType(name, 'a string');
  if (v.length > MAX_PAYLOAD_BYTES / 4 && utf8Bytes(v) > MAX_PAYLOAD_BYTES) {
    throw validationError(`Value at '${name}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PAYLOAD_BYTES}`);
  }
  if (nestedDeeperThan(v, MAX_JSON_DEPTH)) {
    const problem = `nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`;
    if (kind === PayloadKind.Other) throw validationError(`Value at '${name}' failed to satisfy constraint: Member must not be JSON that ${problem}`);
    throw new ApiError(kind.type, `${kind.what}: '${name}' ${problem}`);
  }
  return v;
}

/**
 * What is wrong with a definition nested deeper than MAX_JSON_DEPTH (the definition checker walks
 * it recursively, and past a few thousand levels would overflow the stack), in the words of
 * InvalidDefinition's message; undefined for any other definition.
 */
export function definitionTooDeep(text: string): { problem: string; message: string } | undefined {
  if (!nestedDeeperThan(text, MAX_JSON_DEPTH)) return undefined;
  const problem = `The definition nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`;
  return { problem, message: `Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: ${problem}'` };
}

/** A required definition member: a string of at most 1,048,576 characters, refused with InvalidDefinition when nested too deep. */
export function definitionString(req: ApiRequest, name: string): string {
  requiredString(req, name);
  return optionalDefinitionString(req, name)!;
}

/** An optional definition member, read as `definitionString` reads a required one. */
export function optionalDefinitionString(req: ApiRequest, name: string): string | undefined {
  const text = optionalString(req, name, 1024 * 1024);
  const deep = text === undefined ? undefined : definitionTooDeep(text);
  if (deep) throw new ApiError('InvalidDefinition', deep.message);
  return text;
}

/** An optional integer member within bounds. */
export function optionalInt(req: ApiRequest, name: string, min: number, max: number): number | undefined {
  const v = req[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw wrongType(name, 'an integer');
  if (v < min) throw validationError(`Value '${v}' at '${name}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`);
  if (v > max) throw validationError(`Value '${v}' at '${name}' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
  return v;
}

export function optionalBool(req: ApiRequest, name: string): boolean | undefined {
  const v = req[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw wrongType(name, 'a boolean');
  return v;
}

/** An optional member that must be one of `values`. */
export function optionalEnum<T extends string>(req: ApiRequest, name: string, values: readonly T[]): T | undefined {
  const v = optionalString(req, name);
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v)) {
    throw validationError(`Value '${v}' at '${name}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`);
  }
  return v as T;
}

/** An optional structure member. */
export function optionalObject(req: ApiRequest, name: string): ApiRequest | undefined {
  const v = req[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw wrongType(name, 'a structure');
  return v as ApiRequest;
}

/** An optional list member. */
export function optionalList(req: ApiRequest, name: string): unknown[] | undefined {
  const v = req[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw wrongType(name, 'a list');
  return v;
}

/** `[{key, value}]` tags, as CreateStateMachine and TagResource carry them. */
export function tagList(req: ApiRequest, name: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [i, t] of (optionalList(req, name) ?? []).entries()) {
    if (t === null || typeof t !== 'object') throw wrongType(`${name}.${i + 1}`, 'a structure');
    const tag = t as ApiRequest;
    const key = requiredString(tag, 'key', 128);
    tags[key] = optionalString(tag, 'value', 256) ?? '';
  }
  return tags;
}

// ---- page tokens

/** An opaque page token: the position to continue after, as base64 JSON. */
export function pageToken(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64');
}

/** Reads a page token written by `pageToken`; anything else is InvalidToken, as on AWS. */
export function readPageToken<T>(token: string | undefined, valid: (v: unknown) => v is T): T | undefined {
  if (token === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    v = undefined;
  }
  if (!valid(v)) throw new ApiError('InvalidToken', `Invalid Token: '${token}'`);
  return v;
}

/** maxResults as the List* actions read it: 0 or absent means the default page of 100. */
export function pageSize(req: ApiRequest): number {
  const n = optionalInt(req, 'maxResults', 0, 1000) ?? 0;
  return n === 0 ? 100 : n;
}
