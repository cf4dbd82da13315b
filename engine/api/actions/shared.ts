/** Checks and conversions more than one action needs. */
import { ApiError, type StateMachineMeta } from '../../engine.ts';
import type { JsonValue } from '../../json.ts';
import { optionalBool, optionalEnum, optionalObject, type ApiRequest } from '../protocol.ts';

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
