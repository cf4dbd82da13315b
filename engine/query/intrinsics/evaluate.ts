/**
 * Evaluates intrinsic calls against the state's input, the context object and the variables.
 */
import type { JsonValue } from '../../json.ts';
import { RuntimeError } from '../../errors.ts';
import { resolvePath, type PathRoots } from '../jsonpath/index.ts';
import { parseIntrinsic, type IntrinsicArg, type IntrinsicCall } from './parser.ts';
import { intrinsics } from './registry.ts';
import { ArgType, IntrinsicEvaluationFailure, invalidArguments, type IntrinsicEnv, type IntrinsicSpec } from './spec.ts';

const parsed = new Map<string, IntrinsicCall>();
const CACHE_LIMIT = 10_000;

/** Parses once per distinct text; definitions are few and evaluated many times. */
export function parseIntrinsicCached(text: string): IntrinsicCall {
  let call = parsed.get(text);
  if (call === undefined) {
    call = parseIntrinsic(text);
    if (parsed.size >= CACHE_LIMIT) parsed.clear();
    parsed.set(text, call);
  }
  return call;
}

/**
 * Evaluates an intrinsic expression such as `States.Format('Hello {}', $.name)`.
 *
 * Failures are `States.Runtime` errors whose cause is what AWS writes after the state prefix:
 * `The function '<text>' had the following error: <detail>`, the detail being
 * `Invalid arguments in States.X` for a bad argument (count, type or range) or
 * `The JsonPath argument for the field '<path>' could not be found in the input '<input>'` for a
 * path that selects nothing. The caller prepends
 * `An error occurred while executing the state '<name>' (entered at the event id #<n>). `.
 *
 * @example
 * evaluateIntrinsic('States.MathAdd($.n, 1)', { input: { n: 41 }, context: {}, variable: () => undefined }, { uuid: () => 'x' });
 * // 42
 */
export function evaluateIntrinsic(text: string, roots: PathRoots, env: IntrinsicEnv): JsonValue {
  let call: IntrinsicCall;
  try {
    call = parseIntrinsicCached(text);
  } catch (e) {
    // Definitions are validated at creation; reaching here means the caller skipped that.
    throw new RuntimeError((e as Error).message, { cause: e });
  }
  try {
    return evaluateCall(call, roots, env);
  } catch (e) {
    if (e instanceof IntrinsicEvaluationFailure) {
      throw new RuntimeError(`The function '${text}' had the following error: ${e.detail}`, { cause: e });
    }
    throw e;
  }
}

function evaluateCall(call: IntrinsicCall, roots: PathRoots, env: IntrinsicEnv): JsonValue {
  const values = call.args.map((arg) => evaluateArg(arg, roots, env));
  const spec = intrinsics[call.name];
  checkArguments(spec, values);
  return spec.evaluate({ values, args: call.args, env });
}

function evaluateArg(arg: IntrinsicArg, roots: PathRoots, env: IntrinsicEnv): JsonValue {
  if (arg.kind === 'literal') return arg.value;
  if (arg.kind === 'call') return evaluateCall(arg.call, roots, env);
  const r = resolvePath(arg.path, roots);
  if (!r.found) throw pathNotFound(arg.path, roots.input);
  return r.value;
}

/**
 * AWS names a missing context path relative to the context object (`$$.A.B` → `$.A.B`) and quotes
 * the state input in every case.
 */
function pathNotFound(path: string, input: JsonValue): IntrinsicEvaluationFailure {
  const shown = path.startsWith('$$') ? path.slice(1) : path;
  return new IntrinsicEvaluationFailure(
    `The JsonPath argument for the field '${shown}' could not be found in the input '${JSON.stringify(input)}'`,
  );
}

function checkArguments(spec: IntrinsicSpec, values: readonly JsonValue[]): void {
  const tooMany = spec.rest === undefined && values.length > spec.params.length;
  if (values.length < spec.required || tooMany) throw invalidArguments(spec.name);
  values.forEach((v, i) => {
    const type = i < spec.params.length ? spec.params[i] : (spec.rest ?? ArgType.Any);
    if (!hasType(v, type)) throw invalidArguments(spec.name);
  });
}

function hasType(v: JsonValue, type: ArgType): boolean {
  switch (type) {
    case ArgType.Any:
      return true;
    case ArgType.Array:
      return Array.isArray(v);
    case ArgType.Object:
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    case ArgType.String:
    case ArgType.Number:
    case ArgType.Boolean:
      return typeof v === type;
  }
}
