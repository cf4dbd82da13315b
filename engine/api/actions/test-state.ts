/**
 * TestState: runs one state (given alone, or by `stateName` in a whole machine) with an input,
 * optional variables and an optional mocked task result or error, and answers its status
 * (SUCCEEDED, FAILED, RETRIABLE, CAUGHT_ERROR), output, error, cause, next state and, at DEBUG
 * and TRACE, its data flow. See single-state.ts for how, and for the caveats.
 *
 * Caveat: the SDK sends this action to the `sync-` host prefix, like StartSyncExecution.
 */
import type { JsonObject, JsonValue } from '../../json.ts';
import type { Action } from '../protocol.ts';
import { PayloadKind, definitionString, optionalEnum, optionalInt, optionalObject, optionalString, payloadString, requiredString, validationError } from '../protocol.ts';
import { InspectionLevel, runSingleState, type SingleStateRequest } from '../single-state.ts';
import { roleArn } from './shared.ts';

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const testState: Action = async (req, { engine }) => {
  const definition = definitionString(req, 'definition');
  const role = optionalString(req, 'roleArn', 256);
  if (role !== undefined) roleArn(role);
  const configuration = optionalObject(req, 'stateConfiguration');
  return runSingleState(engine, {
    definition,
    stateName: optionalString(req, 'stateName', 80),
    input: payloadString(req, 'input', PayloadKind.ExecutionInput) ?? '{}',
    inspectionLevel: optionalEnum(req, 'inspectionLevel', Object.values(InspectionLevel)) ?? InspectionLevel.Info,
    variables: variables(payloadString(req, 'variables')),
    context: context(payloadString(req, 'context')),
    roleArn: role,
    mock: mock(optionalObject(req, 'mock')),
    retrierRetryCount: configuration && optionalInt(configuration, 'retrierRetryCount', 0, 99999999),
  });
};

function json(text: string, member: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw validationError(`Value at '${member}' failed to satisfy constraint: Member must be valid JSON`);
  }
}

/** `variables`: a JSON object of variable names to values. */
function variables(text: string | undefined): JsonObject | undefined {
  if (text === undefined) return undefined;
  const v = json(text, 'variables');
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw validationError("Value at 'variables' failed to satisfy constraint: Member must be a JSON object");
  for (const name of Object.keys(v)) {
    if (!VARIABLE.test(name)) throw validationError(`Value at 'variables' failed to satisfy constraint: '${name}' is not a valid variable name`);
  }
  return v;
}

/** `context`: the context object the state sees, a JSON object. */
function context(text: string | undefined): JsonObject | undefined {
  if (text === undefined) return undefined;
  const v = json(text, 'context');
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw validationError("Value at 'context' failed to satisfy constraint: Member must be a JSON object");
  return v;
}

/** `mock`: a result (JSON text) or an errorOutput, not both. */
function mock(m: Readonly<Record<string, unknown>> | undefined): SingleStateRequest['mock'] {
  if (m === undefined) return undefined;
  const result = payloadString(m, 'result');
  const errorOutput = optionalObject(m, 'errorOutput');
  optionalEnum(m, 'fieldValidationMode', ['STRICT', 'PRESENT', 'NONE'] as const);
  if ((result === undefined) === (errorOutput === undefined)) throw validationError("Value at 'mock' failed to satisfy constraint: Member must have exactly one of result or errorOutput");
  if (errorOutput) return { errorOutput: { error: requiredString(errorOutput, 'error', 256), cause: optionalString(errorOutput, 'cause', 32768) } };
  return { result: json(result!, 'mock.result') };
}
