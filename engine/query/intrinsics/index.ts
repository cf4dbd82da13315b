/**
 * Step Functions intrinsic functions (`States.Format`, `States.ArrayRange`, ...) for the `.$`
 * fields of JSONPath states: Parameters, ResultSelector, ItemSelector and Assign.
 *
 * Parse at definition time with `parseIntrinsic` (a syntax error is an InvalidDefinition), evaluate
 * at run time with `evaluateIntrinsic` (a bad argument is `States.Runtime`).
 */
export { evaluateIntrinsic, parseIntrinsicCached } from './evaluate.ts';
export { isIntrinsicExpression, parseIntrinsic, IntrinsicSyntaxError, type IntrinsicArg, type IntrinsicCall } from './parser.ts';
export { intrinsics } from './registry.ts';
export { ArgType, IntrinsicName, type IntrinsicEnv, type IntrinsicSpec, type Invocation } from './spec.ts';
