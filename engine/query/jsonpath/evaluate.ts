/**
 * Evaluates a compiled JSONPath as Jayway JsonPath does (json-path/JsonPath 3.0.0: the
 * `internal/path/*PathToken.java` evaluators, `internal/filter/EvaluatorFactory.java`,
 * `ValueNodes.java` and the functions under `internal/function`), with Jayway's default options:
 *
 * - a definite path that finds nothing is "not found"; an indefinite one gives a list, empty
 *   when data is missing on its way (as AWS answers: Jayway itself throws there);
 * - a missing property or a wrong type under an indefinite prefix (after `*`, `..`, a slice, a
 *   filter) skips that branch;
 * - a filter on an object tests the object itself, on an array each element;
 * - inside a filter, `@` is the element and `$` the document (`[?(@.price < $.expensive)]`);
 *   operands compare as Jayway's value nodes do (`1 == '1'` holds, `<` needs two numbers or two
 *   strings, `=~` matches the whole text).
 */
import type { JsonObject, JsonValue } from '../../json.ts';
import { isJsonObject } from '../../json.ts';
import { InvalidPathError, javaFlagsToJs, RelationalOperator, type CompiledJsonPath, type FilterExpression, type FilterValue, type PathToken } from './compile.ts';
import { LinearRegExp } from '../regex.ts';

export type JaywayResult = { found: true; value: JsonValue } | { found: false };

/** Jayway's PathNotFoundException: ends the evaluation of a definite path. */
class PathNotFound extends Error {}

interface Context {
  /** the document `$` refers to */
  root: JsonValue;
  /** Option.REQUIRE_PROPERTIES (Jayway sets it for the existence checks of a filter) */
  requireProperties: boolean;
  results: JsonValue[];
}

/**
 * Reads `path` from `document` as Jayway's `JsonPath.read` does: the value of a definite path, a
 * list for an indefinite one, `{ found: false }` where Jayway throws.
 *
 * @example
 * evaluateJsonPath(compileJsonPath('$..book[?(@.price < $.expensive)].title'), store, true)
 * // { found: true, value: ['Sayings of the Century', 'Moby Dick'] }
 */
export function evaluateJsonPath(path: CompiledJsonPath, document: JsonValue, definite: boolean): JaywayResult {
  let results: JsonValue[];
  try {
    results = run(path, document, document, false);
  } catch (e) {
    // Step Functions reads an indefinite path over missing data as an empty list (AWS answers
    // `{"item": []}` for `$.items[*]` over `{}`), where plain Jayway throws PathNotFoundException.
    if (e instanceof PathNotFound) return definite ? { found: false } : { found: true, value: [] };
    if (e instanceof InvalidPathError) return { found: false };
    throw e;
  }
  if (!definite) return { found: true, value: results };
  return results.length === 0 ? { found: false } : { found: true, value: results[0] };
}

function run(path: CompiledJsonPath, document: JsonValue, root: JsonValue, requireProperties: boolean): JsonValue[] {
  const ctx: Context = { root, requireProperties, results: [] };
  if (path.tokens.length === 0) ctx.results.push(document);
  else evaluate(path.tokens, 0, document, ctx);
  return ctx.results;
}

function upstreamDefinite(tokens: PathToken[], i: number): boolean {
  for (let k = 0; k < i; k++) {
    const t = tokens[k];
    const leaf = k === tokens.length - 1;
    if (t.kind === 'property' ? !(t.names.length === 1 || leaf) : t.kind === 'index' ? t.indexes.length !== 1 : t.kind !== 'function') return false;
  }
  return true;
}

function tokenDefinite(tokens: PathToken[], i: number): boolean {
  const t = tokens[i];
  if (t.kind === 'property') return t.names.length === 1 || i === tokens.length - 1;
  if (t.kind === 'index') return t.indexes.length === 1;
  return t.kind === 'function';
}

function emit(tokens: PathToken[], i: number, value: JsonValue, ctx: Context): void {
  if (i === tokens.length - 1) ctx.results.push(value);
  else evaluate(tokens, i + 1, value, ctx);
}

function evaluate(tokens: PathToken[], i: number, model: JsonValue, ctx: Context): void {
  const t = tokens[i];
  switch (t.kind) {
    case 'property':
      return property(tokens, i, t.names, model, ctx);
    case 'index':
      if (!arrayModel(tokens, i, model)) return;
      for (const index of t.indexes) arrayIndex(tokens, i, index, model as JsonValue[], ctx);
      return;
    case 'slice':
      if (!arrayModel(tokens, i, model)) return;
      return slice(tokens, i, t.from, t.to, model as JsonValue[], ctx);
    case 'wildcard':
      if (isJsonObject(model)) {
        for (const key of Object.keys(model)) objectProperty(tokens, i, key, model, ctx);
      } else if (Array.isArray(model)) {
        for (let k = 0; k < model.length; k++) arrayIndex(tokens, i, k, model, ctx);
      }
      return;
    case 'scan':
      return scan(tokens, i + 1, model, ctx);
    case 'filter':
      if (isJsonObject(model)) {
        if (accept(t.predicate, model, ctx)) emit(tokens, i, model, ctx);
      } else if (Array.isArray(model)) {
        model.forEach((item, k) => {
          if (accept(t.predicate, item, ctx)) arrayIndex(tokens, i, k, model, ctx);
        });
      } else if (upstreamDefinite(tokens, i)) {
        throw new InvalidPathError('Filter can not be applied to primitives');
      }
      return;
    case 'function': {
      const result = callFunction(t.name, t.params, model, ctx);
      emit(tokens, i, result, ctx);
      return;
    }
  }
}

function property(tokens: PathToken[], i: number, names: string[], model: JsonValue, ctx: Context): void {
  if (!isJsonObject(model)) {
    if (!upstreamDefinite(tokens, i)) return;
    throw new PathNotFound(`Expected to find an object with property ${names.join(',')}`);
  }
  const leaf = i === tokens.length - 1;
  if (names.length === 1) return objectProperty(tokens, i, names[0], model, ctx);
  if (!leaf) {
    for (const name of names) objectProperty(tokens, i, name, model, ctx);
    return;
  }
  // The leaf of ['a','b'] merges the properties found into one object.
  const merged: JsonObject = {};
  for (const name of names) {
    if (Object.prototype.hasOwnProperty.call(model, name)) merged[name] = model[name];
    else if (ctx.requireProperties) throw new PathNotFound(`Missing property in path ${name}`);
  }
  ctx.results.push(merged);
}

function objectProperty(tokens: PathToken[], i: number, name: string, model: JsonObject, ctx: Context): void {
  if (!Object.prototype.hasOwnProperty.call(model, name)) {
    const leaf = i === tokens.length - 1;
    if (leaf) {
      if (!ctx.requireProperties) return;
      throw new PathNotFound(`No results for path: ['${name}']`);
    }
    if (!(upstreamDefinite(tokens, i) && tokenDefinite(tokens, i)) && !ctx.requireProperties) return;
    throw new PathNotFound(`Missing property in path ['${name}']`);
  }
  emit(tokens, i, model[name], ctx);
}

function arrayModel(tokens: PathToken[], i: number, model: JsonValue): boolean {
  if (Array.isArray(model)) return true;
  if (!upstreamDefinite(tokens, i)) return false;
  throw new PathNotFound(model === null ? 'The path is null' : 'Filter can only be applied to arrays');
}

function arrayIndex(tokens: PathToken[], i: number, index: number, model: JsonValue[], ctx: Context): void {
  const k = index < 0 ? model.length + index : index;
  if (k < 0 || k >= model.length) return;
  emit(tokens, i, model[k], ctx);
}

function slice(tokens: PathToken[], i: number, from: number | null, to: number | null, model: JsonValue[], ctx: Context): void {
  const length = model.length;
  if (length === 0) return;
  let start: number;
  let end: number;
  if (from !== null && to === null) {
    start = Math.max(0, from < 0 ? length + from : from);
    end = length;
  } else if (from !== null && to !== null) {
    // Jayway's [from:to] does not add the length to a negative bound: the index does it per item.
    start = from;
    end = Math.min(length, to);
  } else {
    start = 0;
    end = Math.min(length, to! < 0 ? length + to! : to!);
  }
  for (let k = start; k < end; k++) arrayIndex(tokens, i, k, model, ctx);
}

/** ScanPathToken.walk: the next token is tried on every node, parents before children. */
function scan(tokens: PathToken[], next: number, model: JsonValue, ctx: Context): void {
  const target = tokens[next];
  const matches = (m: JsonValue): boolean => {
    switch (target.kind) {
      case 'property':
        if (!isJsonObject(m)) return false;
        if (!tokenDefinite(tokens, next)) return true;
        return target.names.every((n) => Object.prototype.hasOwnProperty.call(m, n));
      case 'index':
      case 'slice':
        return Array.isArray(m);
      case 'wildcard':
        return true;
      case 'filter':
        return accept(target.predicate, m, ctx);
      default:
        return false;
    }
  };
  const walk = (m: JsonValue): void => {
    if (isJsonObject(m)) {
      if (matches(m)) evaluate(tokens, next, m, ctx);
      for (const key of Object.keys(m)) walk(m[key]);
    } else if (Array.isArray(m)) {
      // Jayway's walkArray runs the token after an array token on each element and keeps the
      // results whose index matches a single `[n]` through a mutable per-token field; the token
      // itself applied to the array gives what that arrangement aims at, without its state.
      if (matches(m)) evaluate(tokens, next, m, ctx);
      for (const item of m) walk(item);
    }
  };
  walk(model);
}

// ---------------------------------------------------------------------------------------------
// Filters: LogicalExpressionNode, RelationalExpressionNode, EvaluatorFactory, ValueNodes

/** PredicatePathToken.accept: an InvalidPathException inside a predicate rejects the item. */
function accept(predicate: FilterExpression, item: JsonValue, ctx: Context): boolean {
  try {
    return apply(predicate, item, ctx);
  } catch (e) {
    if (e instanceof InvalidPathError) return false;
    throw e;
  }
}

function apply(e: FilterExpression, item: JsonValue, ctx: Context): boolean {
  switch (e.kind) {
    case 'or':
      return e.operands.some((o) => apply(o, item, ctx));
    case 'and':
      return e.operands.every((o) => apply(o, item, ctx));
    case 'not':
      return !apply(e.operand, item, ctx);
    case 'relation':
      return relation(e.operator, operand(e.left, item, ctx), operand(e.right, item, ctx));
  }
}

/** A filter operand once evaluated: Jayway's value nodes. */
type Node =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'json'; value: JsonValue }
  | { kind: 'pattern'; source: string; flags: string }
  | { kind: 'undefined' };

function operand(v: FilterValue, item: JsonValue, ctx: Context): Node {
  switch (v.kind) {
    case 'path':
      return pathOperand(v, item, ctx);
    case 'json':
      try {
        return { kind: 'json', value: JSON.parse(jsonText(v.text)) as JsonValue };
      } catch {
        throw new InvalidPathError(`Failed to parse ${v.text}`);
      }
    case 'null':
      return { kind: 'null' };
    default:
      return v;
  }
}

/** Jayway reads JSON literals permissively: single-quoted strings are allowed. */
function jsonText(text: string): string {
  return text.replace(/'((?:[^'\\]|\\.)*)'/g, (_m, s: string) => JSON.stringify(s.replace(/\\'/g, "'")));
}

function pathOperand(v: Extract<FilterValue, { kind: 'path' }>, item: JsonValue, ctx: Context): Node {
  const definite = v.path.tokens.every((t, i) => tokenDefinite(v.path.tokens, i));
  if (v.existsCheck) {
    // PathNode.evaluate: an existence check runs on the item (even for `$`), requiring properties.
    try {
      const results = run(v.path, item, ctx.root, true);
      return { kind: 'boolean', value: !definite || results.length > 0 };
    } catch (e) {
      if (e instanceof PathNotFound) return { kind: 'boolean', value: false };
      throw e;
    }
  }
  let results: JsonValue[];
  try {
    results = run(v.path, v.path.root === '$' ? ctx.root : item, ctx.root, false);
  } catch (e) {
    if (e instanceof PathNotFound) return { kind: 'undefined' };
    throw e;
  }
  if (!definite) return { kind: 'json', value: results };
  if (results.length === 0) return { kind: 'undefined' };
  return toNode(results[0]);
}

function toNode(value: JsonValue): Node {
  if (value === null) return { kind: 'null' };
  if (typeof value === 'number') return { kind: 'number', value };
  if (typeof value === 'string') return { kind: 'string', value };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  return { kind: 'json', value };
}

/** BigDecimal.toString for the numbers JSON carries (plain notation for the usual magnitudes). */
function numberText(n: number): string {
  return String(n);
}

function asNumber(n: Node): number | null {
  if (n.kind === 'number') return n.value;
  if (n.kind === 'string' && /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(n.value)) return Number(n.value);
  return null;
}

function equals(a: Node, b: Node): boolean {
  switch (a.kind) {
    case 'number': {
      if (b.kind !== 'number' && b.kind !== 'string') return false;
      const other = asNumber(b);
      return other !== null && a.value === other;
    }
    case 'string':
      if (b.kind === 'string') return a.value === b.value;
      return b.kind === 'number' && a.value === numberText(b.value);
    case 'boolean':
      return b.kind === 'boolean' && a.value === b.value;
    case 'null':
      return b.kind === 'null';
    case 'json':
      return b.kind === 'json' && deepEqual(a.value, b.value);
    case 'pattern':
      return b.kind === 'pattern' && a.source === b.source && a.flags === b.flags;
    case 'undefined':
      return false;
  }
}

function deepEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** JsonNode.asValueListNode: the elements of a JSON array as value nodes, or null for anything else. */
function valueList(n: Node): Node[] | null {
  if (n.kind === 'json') return Array.isArray(n.value) ? n.value.map(toNode) : null;
  throw new InvalidPathError('Expected value list node');
}

function contains(list: Node[], n: Node): boolean {
  return list.some((e) => equals(n, e));
}

function compare(a: Node, b: Node): number | null {
  if (a.kind === 'number' && b.kind === 'number') return a.value - b.value;
  if (a.kind === 'string' && b.kind === 'string') return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  return null;
}

function relation(op: RelationalOperator, left: Node, right: Node): boolean {
  switch (op) {
    case RelationalOperator.EXISTS:
      if (left.kind !== 'boolean' || right.kind !== 'boolean') throw new InvalidPathError('Failed to evaluate exists expression');
      return left.value === right.value;
    case RelationalOperator.EQ:
      return equals(left, right);
    case RelationalOperator.NE:
      return !equals(left, right);
    case RelationalOperator.TSEQ:
      return left.kind === right.kind && equals(left, right);
    case RelationalOperator.TSNE:
      return !(left.kind === right.kind && equals(left, right));
    case RelationalOperator.LT:
    case RelationalOperator.LTE:
    case RelationalOperator.GT:
    case RelationalOperator.GTE: {
      const c = compare(left, right);
      if (c === null) return false;
      return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
    }
    case RelationalOperator.REGEX:
      return regexMatch(left, right);
    case RelationalOperator.SIZE: {
      if (right.kind !== 'number') return false;
      const expected = Math.trunc(right.value);
      if (left.kind === 'string') return left.value.length === expected;
      if (left.kind === 'json') return jsonLength(left.value) === expected;
      return false;
    }
    case RelationalOperator.EMPTY: {
      if (right.kind !== 'boolean') throw new InvalidPathError('Expected boolean node');
      if (left.kind === 'string') return (left.value.length === 0) === right.value;
      if (left.kind === 'json') return (jsonLength(left.value) === 0) === right.value;
      return false;
    }
    case RelationalOperator.IN:
    case RelationalOperator.NIN: {
      const list = valueList(right);
      const found = list !== null && contains(list, left);
      return op === RelationalOperator.IN ? found : list === null ? true : !found;
    }
    case RelationalOperator.CONTAINS: {
      if (left.kind === 'string' && right.kind === 'string') return left.value.includes(right.value);
      if (left.kind === 'json') {
        const list = valueList(left);
        return list !== null && contains(list, right);
      }
      return false;
    }
    case RelationalOperator.ALL: {
      const required = valueList(right);
      if (left.kind !== 'json') return false;
      const list = valueList(left);
      return list === null || required === null || required.every((r) => contains(list, r));
    }
    case RelationalOperator.SUBSETOF:
    case RelationalOperator.ANYOF:
    case RelationalOperator.NONEOF: {
      const r = valueList(right);
      const l = valueList(left);
      if (r === null || l === null) return false;
      if (op === RelationalOperator.SUBSETOF) return l.every((x) => contains(r, x));
      const any = l.some((x) => r.some((y) => equals(x, y)));
      return op === RelationalOperator.ANYOF ? any : !any;
    }
    default:
      // TYPE and MATCHES take Java classes and predicates, which a path cannot write.
      throw new InvalidPathError(`Operator ${op} needs a value a path cannot hold`);
  }
}

function jsonLength(v: JsonValue): number {
  if (Array.isArray(v)) return v.length;
  if (isJsonObject(v)) return Object.keys(v).length;
  return -1;
}

function regexMatch(left: Node, right: Node): boolean {
  if ((left.kind === 'pattern') === (right.kind === 'pattern')) return false;
  const pattern = (left.kind === 'pattern' ? left : right) as Extract<Node, { kind: 'pattern' }>;
  const other = left.kind === 'pattern' ? right : left;
  // RE2: a filter's pattern comes with the workflow, and a backtracking one could block the event loop
  const re = new LinearRegExp(`^(?:${pattern.source})$`, javaFlagsToJs(pattern.flags));
  if (other.kind === 'json' && Array.isArray(other.value)) return other.value.map(toNode).some((n) => re.test(regexInput(n)));
  return re.test(regexInput(other));
}

function regexInput(n: Node): string {
  if (n.kind === 'string') return n.value;
  if (n.kind === 'number') return numberText(n.value);
  if (n.kind === 'boolean') return String(n.value);
  return '';
}

// ---------------------------------------------------------------------------------------------
// Functions (PathFunctionFactory)

type Param = Extract<PathToken, { kind: 'function' }>['params'][number];

/** A parameter's value: a path is read from the document, JSON is parsed. */
function paramValue(p: Param, ctx: Context): JsonValue | undefined {
  if (p.kind === 'json') {
    try {
      return JSON.parse(p.text) as JsonValue;
    } catch {
      return p.text;
    }
  }
  const definite = p.path.tokens.every((_t, i) => tokenDefinite(p.path.tokens, i));
  const results = run(p.path, ctx.root, ctx.root, false);
  if (!definite) return results;
  return results.length === 0 ? undefined : results[0];
}

/** Parameter.toList: each parameter's values (a list is spread), keeping those of the wanted type. */
function paramValues(params: Param[], ctx: Context): JsonValue[] {
  const out: JsonValue[] = [];
  for (const p of params) {
    const v = paramValue(p, ctx);
    if (v === undefined) continue;
    if (Array.isArray(v)) out.push(...v);
    else out.push(v);
  }
  return out;
}

function callFunction(name: string, params: Param[], model: JsonValue, ctx: Context): JsonValue {
  switch (name) {
    case 'length':
    case 'size': {
      const first = params[0];
      if (first?.kind === 'path') {
        // Length.invoke: the parameter path gets a trailing wildcard so that it yields the items.
        const inner = run({ root: first.path.root, tokens: [...first.path.tokens, { kind: 'wildcard' }] }, model, model, false);
        return inner.length;
      }
      if (Array.isArray(model) || isJsonObject(model)) return jsonLength(model);
      return null;
    }
    case 'min':
    case 'max':
    case 'avg':
    case 'stddev':
    case 'sum': {
      const numbers = [...(Array.isArray(model) ? model : []), ...paramValues(params, ctx)].filter((v): v is number => typeof v === 'number');
      if (numbers.length === 0) throw new PathNotFound('Aggregation function attempted to calculate value using empty array');
      return aggregate(name, numbers);
    }
    case 'keys':
      return isJsonObject(model) ? Object.keys(model) : null;
    case 'first':
    case 'last':
    case 'index': {
      if (!Array.isArray(model) || model.length === 0) throw new PathNotFound('Aggregation function attempted to get value using empty array');
      if (name === 'first') return model[0];
      if (name === 'last') return model[model.length - 1];
      const at = Number(paramValues(params, ctx)[0]);
      const k = at < 0 ? model.length + at : at;
      if (!Number.isInteger(k) || k < 0 || k >= model.length) throw new PathNotFound('index out of range');
      return model[k];
    }
    case 'concat': {
      const parts = [...(Array.isArray(model) ? model : []), ...paramValues(params, ctx)];
      return parts.filter((v) => v !== null && typeof v !== 'object').map(String).join('');
    }
    case 'append':
      return Array.isArray(model) ? [...model, ...paramValues(params, ctx)] : model;
    default:
      throw new InvalidPathError(`Function with name: ${name} does not exist.`);
  }
}

function aggregate(name: 'min' | 'max' | 'avg' | 'stddev' | 'sum', numbers: number[]): number {
  const sum = numbers.reduce((a, b) => a + b, 0);
  switch (name) {
    case 'min':
      return Math.min(...numbers);
    case 'max':
      return Math.max(...numbers);
    case 'sum':
      return sum;
    case 'avg':
      return sum / numbers.length;
    case 'stddev': {
      const sq = numbers.reduce((a, b) => a + b * b, 0);
      return Math.sqrt(sq / numbers.length - (sum * sum) / numbers.length / numbers.length);
    }
  }
}
