/**
 * JSONPath-language data processing: InputPath, Parameters-style payload templates (`.$` keys,
 * paths and intrinsic functions), ResultPath and OutputPath, with AWS's failure texts.
 */
import type { JsonObject, JsonValue } from '../json.ts';
import { ExecutionError, RuntimeError, ResultPathMatchFailure, StatesErrorName } from '../errors.ts';
import { resolvePath, withInput, writePath, type PathRoots } from '../query/jsonpath/index.ts';
import { evaluateIntrinsic, isIntrinsicExpression } from '../query/intrinsics/index.ts';

export interface TemplateEnv {
  roots: PathRoots;
  uuid(): string;
  random(): number;
}

/** Text of a value as AWS quotes it in error causes. */
export function quoteJson(v: JsonValue): string {
  return JSON.stringify(v);
}

/** InputPath/OutputPath: `null` yields `{}`; a path that selects nothing is States.Runtime. */
export function selectPath(path: string | null | undefined, data: JsonValue, roots: PathRoots, field: 'InputPath' | 'OutputPath' | 'ItemsPath'): JsonValue {
  if (path === undefined || path === '$') return data;
  if (path === null) return {};
  const r = resolvePath(path, withInput(roots, data));
  if (!r.found) {
    throw new RuntimeError(`Invalid path '${path}' : No results for path: ${bracketPath(path)}`, { location: field });
  }
  return r.value;
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

/**
 * Evaluates a payload template: keys ending in `.$` take the value of a path or an intrinsic
 * function; every other value is copied as it is.
 */
export function evaluatePayloadTemplate(template: JsonValue, env: TemplateEnv, field: string): JsonValue {
  if (Array.isArray(template)) return template.map((v) => evaluatePayloadTemplate(v, env, field));
  if (template === null || typeof template !== 'object') return template;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') {
      out[key.slice(0, -2)] = evaluateDynamicValue(value, env, key);
    } else {
      out[key] = evaluatePayloadTemplate(value, env, field);
    }
  }
  return out;
}

/** The value of one dynamic field (a `.$` key, or a `*Path` field such as ErrorPath): a path or an intrinsic. */
export function evaluateDynamicValue(expr: string, env: TemplateEnv, key: string): JsonValue {
  if (isIntrinsicExpression(expr)) {
    return evaluateIntrinsic(expr, env.roots, { uuid: env.uuid, random: env.random });
  }
  const r = resolvePath(expr, env.roots);
  if (!r.found) {
    throw new RuntimeError(
      `The JSONPath '${expr}' specified for the field '${key}' could not be found in the input '${JSON.stringify(env.roots.input)}'`,
    );
  }
  return r.value;
}

/** ResultPath: where the result goes in the state's raw input. `null` keeps the input unchanged. */
export function applyResultPath(path: string | null | undefined, rawInput: JsonValue, result: JsonValue): JsonValue {
  if (path === undefined || path === '$') return result;
  if (path === null) return rawInput;
  const written = writePath(path, rawInput, result);
  if (written === undefined) {
    throw new ResultPathMatchFailure(
      `Unable to apply ReferencePath ${path} to input ${JSON.stringify(rawInput)}`,
    );
  }
  return written;
}

/** Keeps an error as it is when it already is an execution error, or makes it States.Runtime. */
export function asExecutionError(err: unknown): ExecutionError {
  if (err instanceof ExecutionError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ExecutionError(StatesErrorName.Runtime, message, { cause: err });
}
