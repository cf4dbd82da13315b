/** Checks and conversions more than one action needs. */
import { ApiError, type StateMachineMeta } from '../../engine.ts';
import type { JsonValue } from '../../json.ts';
import {
  optionalBool, optionalEnum, optionalInt, optionalList, optionalObject, optionalString, pageSize, pageToken, readPageToken, requiredString,
  validationError, type ApiRequest,
} from '../protocol.ts';
import { stateMachineArn } from '../arns.ts';
import type { RoutingConfig } from '../../versions.ts';

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

/** An IAM role ARN, as CreateStateMachine and UpdateStateMachine require one. */
export function roleArn(arn: string): string {
  if (!ROLE_ARN.test(arn)) throw new ApiError('InvalidArn', `Invalid Arn: 'Invalid role ARN: ${arn}'`);
  return arn;
}

/**
 * The logging and tracing configuration of a Create/UpdateStateMachine request. A configuration
 * equal to AWS's default (logging OFF, tracing disabled) is left out, so that an idempotent
 * CreateStateMachine matches whether or not the client spelled the default.
 */
export function machineConfiguration(req: ApiRequest): Pick<StateMachineMeta, 'loggingConfiguration' | 'tracingConfiguration'> {
  const out: Pick<StateMachineMeta, 'loggingConfiguration' | 'tracingConfiguration'> = {};
  const logging = optionalObject(req, 'loggingConfiguration');
  if (logging) {
    const level = optionalEnum(logging, 'level', ['ALL', 'ERROR', 'FATAL', 'OFF'] as const) ?? 'OFF';
    const includeExecutionData = optionalBool(logging, 'includeExecutionData') ?? false;
    const destinations = logging.destinations;
    if (level !== 'OFF' || includeExecutionData || (Array.isArray(destinations) && destinations.length > 0)) {
      out.loggingConfiguration = { ...logging, level, includeExecutionData } as JsonValue;
    }
  }
  const tracing = optionalObject(req, 'tracingConfiguration');
  if (tracing && optionalBool(tracing, 'enabled')) out.tracingConfiguration = { enabled: true };
  return out;
}

/**
 * One page of `rows` (in the order the action lists them) after the row the request's nextToken
 * names by its ARN, and the token of the next page when there is one.
 */
export function arnPage<T extends { arn: string }>(req: ApiRequest, rows: readonly T[]): { page: T[]; nextToken?: string } {
  const size = pageSize(req);
  const after = readPageToken(optionalString(req, 'nextToken', 1024), (v): v is { arn: string } => typeof (v as { arn?: unknown } | null)?.arn === 'string');
  const start = after ? rows.findIndex((r) => r.arn === after.arn) + 1 : 0;
  const page = rows.slice(start, start + size);
  const last = page.at(-1);
  return { page, ...(start + size < rows.length && last && { nextToken: pageToken({ arn: last.arn }) }) };
}

/** The routingConfiguration member of a Create/UpdateStateMachineAlias request. */
export function routingConfiguration(req: ApiRequest, required: boolean): RoutingConfig[] | undefined {
  const list = optionalList(req, 'routingConfiguration');
  if (list === undefined) {
    if (required) throw validationError("Value null at 'routingConfiguration' failed to satisfy constraint: Member must not be null");
    return undefined;
  }
  return list.map((r) => {
    if (r === null || typeof r !== 'object') throw new ApiError('SerializationException', "Unexpected value type for member 'routingConfiguration': expected a structure");
    const route = r as ApiRequest;
    const arn = stateMachineArn(requiredString(route, 'stateMachineVersionArn', 256));
    const weight = optionalInt(route, 'weight', 0, 100);
    if (weight === undefined) throw validationError("Value null at 'routingConfiguration.member.weight' failed to satisfy constraint: Member must not be null");
    return { stateMachineVersionArn: arn, weight };
  });
}
