/**
 * The diagnostics a definition can earn, in AWS's words.
 *
 * AWS reports every problem as `CODE: message at location` and joins several with `, ` inside
 * `Invalid State Machine Definition: '...'`. The texts below are the ones AWS is recorded or
 * reported to use; where no AWS text is known (marked "ours"), the wording follows AWS's style.
 */

/** AWS's diagnostic codes (ValidateStateMachineDefinitionDiagnostic). */
export const ProblemCode = {
  Schema: 'SCHEMA_VALIDATION_FAILED',
  InvalidJson: 'INVALID_JSON_DESCRIPTION',
  MissingTransitionTarget: 'MISSING_TRANSITION_TARGET',
  MissingEndState: 'MISSING_END_STATE',
  DuplicateStateName: 'DUPLICATE_STATE_NAME',
  InvalidStateName: 'INVALID_STATE_NAME',
  InvalidLabelName: 'INVALID_LABEL_NAME',
  DuplicateLabelName: 'DUPLICATE_LABEL_NAME',
  TooDeeplyNested: 'TOO_DEEPLY_NESTED',
  InvalidJsonata: 'INVALID_JSONATA_EXPRESSION',
  UnsupportedJsonata: 'UNSUPPORTED_JSONATA_EXPRESSION',
} as const;
export type ProblemCode = (typeof ProblemCode)[keyof typeof ProblemCode];

/** One diagnostic: what AWS's ValidateStateMachineDefinition would list. */
export interface Problem {
  code: ProblemCode;
  message: string;
  /** JSON-pointer-like (`/States/A/Catch[0]/Next`); `null` when AWS gives none. */
  location: string | null;
}

/** `CODE: message at location`, as CreateStateMachine prints each diagnostic (`at null` included). */
export function formatProblem(p: Problem): string {
  return `${p.code}: ${p.message} at ${p.location ?? 'null'}`;
}

/** The whole `InvalidDefinition` message for a list of problems. */
export function formatProblems(problems: readonly Problem[]): string {
  return `Invalid State Machine Definition: '${problems.map(formatProblem).join(', ')}'`;
}

/** JSON value kinds as AWS names them in "Expected value of type [...]". */
export const JsonKind = {
  String: 'STRING',
  Boolean: 'BOOLEAN',
  Integer: 'INTEGER',
  Number: 'NUMBER',
  Object: 'OBJECT',
  Array: 'ARRAY',
} as const;
export type JsonKind = (typeof JsonKind)[keyof typeof JsonKind];

const list = (items: readonly string[]): string => `[${items.join(', ')}]`;

/** Message texts. Recorded ones first; the rest are ours, in AWS's style. */
export const Say = {
  // recorded (conformance corpus / AWS snapshots)
  required: (fields: readonly string[]) => `These fields are required: ${list(fields)}`,
  requiredButMissing: (field: string) => `The field '${field}' is required but was missing`,
  notPathOrIntrinsic: (field: string) => `The value for the field '${field}' must be a valid JSONPath or a valid intrinsic function call`,
  unknownResource: (resource: string) =>
    `The resource provided ${resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.`,
  expressNoSync: () => `Express state machine does not support '.sync' service integration`,
  // AWS's text ends with a space, so the rendered message has two before "at".
  expressNoCallback: () => `Express state machine does not support '.waitForTaskToken' service integration `,
  missingTarget: (target: string) => `Missing 'Next' target: ${target}`,
  unreachable: (state: string) => `State "${state}" is not reachable.`,
  noTerminalState: () => 'Workflow has no terminal state',
  duplicateState: (state: string) => `Duplicate State name: ${state}`,
  notSupported: (field: string) => `Field '${field}' is not supported`,
  otherLanguageField: (language: string, field: string, other: string) =>
    `The QueryLanguage is set to '${language}', but field '${field}' is only supported for the '${other}' QueryLanguage`,
  jsonPathUnderJsonata: () => `'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine`,
  queryLanguageValues: () => 'Value should be one of the following: [JSONPath, JSONata]',
  expectedType: (kind: JsonKind) => `Expected value of type [${kind}]`,
  notObject: () => 'Definition must be a valid JSON object',
  topLevelReference: (name: string) => `Reference to '${name}' at the top level is not supported.`,
  rootReference: () => `Reference to '$$' is not supported.`,
  errorOutputOutsideCatch: () => `Field '$states.errorOutput' does not exist.`,

  // ours, in AWS's style
  oneOf: (field: string, values: readonly string[]) => `The field '${field}' should have one of these values: ${list(values)}`,
  exactlyOne: (fields: readonly string[]) => `Exactly one of these fields is required: ${list(fields)}`,
  atMostOne: (fields: readonly string[]) => `Only one of these fields can be specified: ${list(fields)}`,
  notJsonPath: (field: string) => `The value for the field '${field}' must be a valid JSONPath`,
  notReferencePath: (field: string) => `The value for the field '${field}' must be a valid JSONPath reference path`,
  intRange: (field: string, min: number, max?: number) =>
    max === undefined
      ? `The field '${field}' must be an integer greater than or equal to ${min}`
      : `The field '${field}' must be an integer between ${min} and ${max}`,
  numberRange: (field: string, min: number, max?: number) =>
    max === undefined
      ? `The field '${field}' must be a number greater than or equal to ${min}`
      : `The field '${field}' must be a number between ${min} and ${max}`,
  integerOrJsonata: (field: string) => `The field '${field}' must be an integer or a JSONata expression`,
  heartbeatNotBelowTimeout: () => `The field 'HeartbeatSeconds' must be smaller than the field 'TimeoutSeconds'`,
  emptyArray: (field: string) => `The field '${field}' must contain at least one element`,
  statesAllNotAlone: () => `'States.ALL' must appear alone in the field 'ErrorEquals'`,
  statesAllNotLast: (field: 'Retry' | 'Catch') =>
    `The ${field === 'Retry' ? 'retrier' : 'catcher'} with 'States.ALL' in 'ErrorEquals' must be the last one in the field '${field}'`,
  choiceOperatorCount: (found: readonly string[]) =>
    found.length === 0
      ? 'A Choice rule must have exactly one comparison operator or one of [And, Or, Not]'
      : `A Choice rule must have exactly one comparison operator or one of [And, Or, Not], found ${list(found)}`,
  timestamp: (field: string) => `The value for the field '${field}' must be a valid ISO-8601 timestamp`,
  invalidVariableName: (name: string) => `The variable name '${name}' is invalid: it must start with a letter or '_' and contain only letters, digits and '_' (at most 80 characters)`,
  reservedVariableName: (name: string) => `The variable name '${name}' is reserved`,
  stateNameTooLong: (name: string) => `State name '${name}' exceeds the maximum length of 80 characters`,
  labelTooLong: () => `The field 'Label' must be at most 40 characters`,
  labelInvalidCharacter: (ch: string) => `The field 'Label' contains an invalid character: '${ch}'`,
  duplicateLabel: (label: string) => `Duplicate Map label: ${label}`,
  resultWriterTarget: () => `The field 'ResultWriter' must specify 'WriterConfig' or 'Resource'`,
  expressActivity: () => 'Express state machine does not support Activities',
} as const;
