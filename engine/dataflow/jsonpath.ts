/**
 * The JSONPath steps: InputPath, payload templates (Parameters, ResultSelector, ItemSelector,
 * Assign, BatchInput: `.$` keys, paths and intrinsic functions), ResultPath and OutputPath, with
 * AWS's failure texts. Each step returns its value or the `States.*` error it fails with.
 */
import type { JsonObject, JsonValue } from '../json.ts';
import { ResultPathMatchFailure, RuntimeError, asExecutionError } from '../errors.ts';
import { resolvePath, writePath, type PathRoots } from '../query/jsonpath/index.ts';
import { evaluateIntrinsic, isIntrinsicExpression } from '../query/intrinsics/index.ts';
import { pathRoots, type DataflowContext, type Flow } from './context.ts';

/** The fields a JSONPath selection may fail in: the `location` of its error. */
export type SelectField = 'InputPath' | 'OutputPath' | 'ItemsPath';

/** InputPath: the part of the state's raw input it works on. `null` yields `{}`. */
export function applyInputPath(path: string | null | undefined, input: JsonValue, ctx: DataflowContext): Flow<JsonValue> {
  return select(path, input, ctx, 'InputPath');
}

/** OutputPath: the part of the state's output that goes on. `null` yields `{}`. */
export function applyOutputPath(path: string | null | undefined, output: JsonValue, ctx: DataflowContext): Flow<JsonValue> {
  return select(path, output, ctx, 'OutputPath');
}

/** A path that selects nothing is States.Runtime, as AWS's JSONPath library words it. */
export function select(path: string | null | undefined, data: JsonValue, ctx: DataflowContext, field: SelectField): Flow<JsonValue> {
  if (path === undefined || path === '$') return data;
  if (path === null) return {};
  const r = resolvePath(path, pathRoots(data, ctx));
  if (!r.found) return new RuntimeError(`Invalid path '${path}' : No results for path: ${bracketPath(path)}`, { location: field });
  return r.value;
}

/**
 * A payload template over `input`: keys ending in `.$` take the value of a path (`$`, `$$`,
 * `$var`) or an intrinsic function; every other value is copied as it is. `field` names the ASL
 * field (Parameters, ResultSelector, ItemSelector, Assign, BatchInput).
 */
export function applyTemplate(template: JsonValue, input: JsonValue, ctx: DataflowContext, field: string): Flow<JsonValue> {
  try {
    return evaluatePayloadTemplate(template, pathRoots(input, ctx), ctx, field);
  } catch (e) {
    return asExecutionError(e);
  }
}

/** One dynamic value (a `.$` value, or a `*Path` field such as ErrorPath): a path or an intrinsic. */
export function applyDynamicValue(expr: string, input: JsonValue, ctx: DataflowContext, key: string): Flow<JsonValue> {
  try {
    return evaluateDynamicValue(expr, pathRoots(input, ctx), ctx, key);
  } catch (e) {
    return asExecutionError(e);
  }
}

/**
 * ResultPath: where the result goes in the state's raw input. `null` keeps the input unchanged;
 * a path through a value that is not an object is States.ResultPathMatchFailure.
 */
export function applyResultPath(path: string | null | undefined, rawInput: JsonValue, result: JsonValue): Flow<JsonValue> {
  if (path === undefined || path === '$') return result;
  if (path === null) return rawInput;
  const written = writePath(path, rawInput, result);
  if (written === undefined) return new ResultPathMatchFailure(`Unable to apply ReferencePath ${path} to input ${JSON.stringify(rawInput)}`);
  return written;
}

/** `$.a.b[0]` → `$['a']['b'][0]`, the way AWS's JSONPath library prints a path in its errors. */
export function bracketPath(path: string): string {
  const m = /^(\$\$?)(.*)$/.exec(path);
  if (!m) return path;
  let rest = m[2];
  let out = m[1];
  const re = /^(?:\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\])/;
  while (rest.length > 0) {
    const s = re.exec(rest);
    if (!s) return path;
    if (s[2] !== undefined) out += `[${s[2]}]`;
    else out += `['${s[1] ?? s[3] ?? s[4]}']`;
    rest = rest.slice(s[0].length);
  }
  return out;
}

type Ids = Pick<DataflowContext, 'uuid' | 'random'>;

/** Throws the States.* error a template fails with: the recursion stays free of result checks. */
function evaluatePayloadTemplate(template: JsonValue, roots: PathRoots, ids: Ids, field: string): JsonValue {
  if (Array.isArray(template)) return template.map((v) => evaluatePayloadTemplate(v, roots, ids, field));
  if (template === null || typeof template !== 'object') return template;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') {
      out[key.slice(0, -2)] = evaluateDynamicValue(value, roots, ids, key);
    } else {
      out[key] = evaluatePayloadTemplate(value, roots, ids, field);
    }
  }
  return out;
}

function evaluateDynamicValue(expr: string, roots: PathRoots, ids: Ids, key: string): JsonValue {
  if (isIntrinsicExpression(expr)) return evaluateIntrinsic(expr, roots, ids);
  const r = resolvePath(expr, roots);
  if (!r.found) {
    throw new RuntimeError(`The JSONPath '${expr}' specified for the field '${key}' could not be found in the input '${JSON.stringify(roots.input)}'`);
  }
  return r.value;
}
