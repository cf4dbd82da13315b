/**
 * The shape every intrinsic function shares: its name, a declarative argument spec that the
 * evaluator checks before calling it, and a pure `evaluate`.
 */
import type { JsonValue } from '../../json.ts';
import type { IntrinsicArg } from './parser.ts';

/** Every intrinsic function Step Functions offers to JSONPath states. */
export const IntrinsicName = {
  Format: 'States.Format',
  StringToJson: 'States.StringToJson',
  JsonToString: 'States.JsonToString',
  Array: 'States.Array',
  ArrayPartition: 'States.ArrayPartition',
  ArrayContains: 'States.ArrayContains',
  ArrayRange: 'States.ArrayRange',
  ArrayGetItem: 'States.ArrayGetItem',
  ArrayLength: 'States.ArrayLength',
  ArrayUnique: 'States.ArrayUnique',
  Base64Encode: 'States.Base64Encode',
  Base64Decode: 'States.Base64Decode',
  Hash: 'States.Hash',
  JsonMerge: 'States.JsonMerge',
  MathRandom: 'States.MathRandom',
  MathAdd: 'States.MathAdd',
  StringSplit: 'States.StringSplit',
  UUID: 'States.UUID',
} as const;
export type IntrinsicName = (typeof IntrinsicName)[keyof typeof IntrinsicName];

const NAMES: ReadonlySet<string> = new Set(Object.values(IntrinsicName));
export function isIntrinsicName(name: string): name is IntrinsicName {
  return NAMES.has(name);
}

/** What an argument must be, checked before the function runs. */
export const ArgType = {
  Any: 'any',
  String: 'string',
  Number: 'number',
  Boolean: 'boolean',
  Array: 'array',
  Object: 'object',
} as const;
export type ArgType = (typeof ArgType)[keyof typeof ArgType];

/**
 * Effects an intrinsic may need, injected so evaluation stays pure (STYLE rule 4).
 * `random` returns a number in [0, 1); only an unseeded `States.MathRandom` calls it.
 */
export interface IntrinsicEnv {
  uuid(): string;
  random?: () => number;
}

/** One call, as the function sees it: argument values, their source syntax, and the effects. */
export interface Invocation {
  values: readonly JsonValue[];
  /** The arguments as written; `States.Format` reads escapes in a literal template from here. */
  args: readonly IntrinsicArg[];
  env: IntrinsicEnv;
}

export interface IntrinsicSpec {
  name: IntrinsicName;
  /**
   * Argument types by position. Calls with fewer than `required` or more than `params.length`
   * arguments (unless `rest` is set) fail with `Invalid arguments in <name>`.
   */
  params: readonly ArgType[];
  required: number;
  /** Type of every argument past `params`, for variadic functions. */
  rest?: ArgType;
  evaluate(call: Invocation): JsonValue;
}

/**
 * A failure inside an intrinsic. The evaluator turns it into States.Runtime with the cause
 * `The function '<expression>' had the following error: <detail>`.
 */
export class IntrinsicEvaluationFailure extends Error {
  readonly detail: string;
  constructor(detail: string) {
    super(detail);
    this.name = 'IntrinsicEvaluationFailure';
    this.detail = detail;
  }
}

/** AWS reports every bad argument (count, type, range) of an intrinsic with this one sentence. */
export function invalidArguments(name: IntrinsicName): IntrinsicEvaluationFailure {
  return new IntrinsicEvaluationFailure(`Invalid arguments in ${name}`);
}
