/**
 * JSONPath as Step Functions reads it.
 *
 * Definite paths (`$.a.b[0]`, `$['a']`) are walked directly: they are what almost every state uses,
 * and the walk is an order of magnitude faster than a general JSONPath engine. Indefinite paths
 * (wildcards, slices, filters, deep scan) go to jsonpath-plus and always yield an array, as in AWS.
 *
 * The roots are `$` (the input), `$$` (the context object) and `$name` (a variable, JSONPath states
 * only).
 *
 * Filters run in jsonpath-plus's safe evaluator, with every regular expression on RE2
 * ({@link LinearRegExp}): `/^(a+)+$/.test(@.name)` or `@.name.match('^(a+)+$')` cannot block the
 * event loop.
 */
import { JSONPath } from 'jsonpath-plus';
import type { JsonValue } from '../../json.ts';
import { LinearRegExp } from '../regex.ts';

export type Lookup = { found: true; value: JsonValue } | { found: false };

type Segment = string | number;
interface Compiled {
  /** `input`, `context`, or a variable name */
  root: { kind: 'input' } | { kind: 'context' } | { kind: 'variable'; name: string };
  /** null for indefinite paths, which go through jsonpath-plus */
  segments: Segment[] | null;
  /** the path with its root replaced by `$`, for jsonpath-plus */
  rest: string;
}

const cache = new Map<string, Compiled | null>();
const ROOT = /^\$(\$|[A-Za-z_][A-Za-z0-9_]*)?/;
const DEFINITE = /^(?:\.([A-Za-z_$@\-][^.[\]\s]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\])/;

/** Parses once and caches; `null` when the text is not a path at all. */
export function compilePath(path: string): Compiled | null {
  let c = cache.get(path);
  if (c !== undefined) return c;
  c = compile(path);
  if (cache.size > 10_000) cache.clear();
  cache.set(path, c);
  return c;
}

function compile(path: string): Compiled | null {
  if (typeof path !== 'string' || !path.startsWith('$')) return null;
  const m = ROOT.exec(path)!;
  const head = m[1];
  const root: Compiled['root'] =
    head === undefined ? { kind: 'input' } : head === '$' ? { kind: 'context' } : { kind: 'variable', name: head };
  let rest = path.slice(m[0].length);
  const restForPlus = '$' + rest;
  const segments: Segment[] = [];
  while (rest.length > 0) {
    const s = DEFINITE.exec(rest);
    if (!s) return { root, segments: null, rest: restForPlus };
    if (s[1] !== undefined) segments.push(s[1]);
    else if (s[2] !== undefined) segments.push(Number(s[2]));
    else segments.push(s[3] ?? s[4]);
    rest = rest.slice(s[0].length);
  }
  return { root, segments, rest: restForPlus };
}

interface Script {
  ast: unknown;
  runInNewContext(context: Record<string, unknown>): unknown;
}

/** jsonpath-plus's own safe evaluator (`eval: 'safe'`); it does not export it by name. */
const SafeScript = (JSONPath.prototype as unknown as { safeVm: { Script: new (code: string) => Script } }).safeVm.Script;

/** The sandbox name of {@link toLinear}; `_$_` is the prefix jsonpath-plus keeps for its own names. */
const TO_LINEAR = '_$_linear';

/** String methods that turn a string argument into a RegExp (`'a'.match('a+')`); replace and split take it literally. */
const STRING_TO_REGEX: Record<string, string> = { match: '', search: '', matchAll: 'g' };

function toLinear(pattern: unknown, flags: string): unknown {
  if (pattern === undefined || pattern instanceof LinearRegExp) return pattern;
  return new LinearRegExp(String(pattern), flags);
}

type AstNode = { type?: string; [key: string]: unknown };

/**
 * The filter as jsonpath-plus's safe evaluator runs it, with its regular expressions moved onto RE2:
 * regex literals become {@link LinearRegExp}, and the pattern of `.match`/`.search`/`.matchAll`
 * goes through {@link toLinear} (a string there would otherwise become a RegExp).
 */
class LinearScript {
  private readonly script: Script;

  constructor(code: string) {
    this.script = new SafeScript(code);
    linearize(this.script.ast);
  }

  runInNewContext(context: Record<string, unknown>): unknown {
    return this.script.runInNewContext({ ...context, [TO_LINEAR]: toLinear });
  }
}

function linearize(node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const item of node) linearize(item);
    return;
  }
  const n = node as AstNode;
  if (n.type === 'Literal') {
    if (n.value instanceof RegExp) n.value = new LinearRegExp(n.value);
    return;
  }
  const callee = n.callee as AstNode | undefined;
  const property = callee?.property as AstNode | undefined;
  const args = n.arguments as AstNode[] | undefined;
  if (n.type === 'CallExpression' && callee?.type === 'MemberExpression' && callee.computed !== true && args !== undefined && args.length > 0) {
    const flags = STRING_TO_REGEX[property?.name as string];
    if (flags !== undefined && Object.hasOwn(STRING_TO_REGEX, property?.name as string)) {
      args[0] = { type: 'CallExpression', callee: { type: 'Identifier', name: TO_LINEAR }, arguments: [args[0], { type: 'Literal', value: flags, raw: `'${flags}'` }] };
    }
  }
  for (const value of Object.values(n)) if (typeof value === 'object') linearize(value);
}

/** True when the path selects at most one value (no wildcard, slice, filter or deep scan). */
export function isDefinitePath(path: string): boolean {
  const c = compilePath(path);
  return c !== null && c.segments !== null;
}

/** The root a path reads from. */
export function pathRoot(path: string): Compiled['root'] | null {
  return compilePath(path)?.root ?? null;
}

/**
 * Reads `path` from `data` (the value of the path's root, already chosen by the caller).
 * Indefinite paths always find (an array, possibly empty).
 */
export function readPath(path: string, data: JsonValue): Lookup {
  const c = compilePath(path);
  if (!c) return { found: false };
  if (c.segments === null) {
    const values = JSONPath({ path: c.rest, json: data as never, wrap: true, resultType: 'value', eval: LinearScript as never }) as JsonValue[] | undefined;
    return { found: true, value: values ?? [] };
  }
  let cur: JsonValue = data;
  for (const seg of c.segments) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur) || seg >= cur.length) return { found: false };
      cur = cur[seg];
    } else {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, seg)) return { found: false };
      cur = cur[seg];
    }
  }
  return { found: true, value: cur };
}

/** The roots a path can read: the state's input, the context object and the visible variables. */
export interface PathRoots {
  input: JsonValue;
  context: JsonValue;
  /** a variable's value, or undefined when no variable of that name is in scope */
  variable(name: string): JsonValue | undefined;
}

/** The same roots over another input. Reads `context` only when a path does: it may be built lazily. */
export function withInput(roots: PathRoots, input: JsonValue): PathRoots {
  return new InputRoots(roots, input);
}

class InputRoots implements PathRoots {
  readonly input: JsonValue;
  private readonly base: PathRoots;

  constructor(base: PathRoots, input: JsonValue) {
    this.base = base;
    this.input = input;
  }

  get context(): JsonValue {
    return this.base.context;
  }

  variable(name: string): JsonValue | undefined {
    return this.base.variable(name);
  }
}

/** Resolves any ASL path (`$...`, `$$...`, `$var...`) against the roots. */
export function resolvePath(path: string, roots: PathRoots): Lookup {
  const c = compilePath(path);
  if (!c) return { found: false };
  let data: JsonValue;
  if (c.root.kind === 'input') data = roots.input;
  else if (c.root.kind === 'context') data = roots.context;
  else {
    const v = roots.variable(c.root.name);
    if (v === undefined) return { found: false };
    data = v;
  }
  return readPath(path, data);
}

/**
 * Writes `value` at a definite `path` inside a copy of `target`, creating objects on the way as
 * ResultPath does. Only the containers along the path are copied. Returns `undefined` when the
 * path runs through a value that is not an object (States.ResultPathMatchFailure for the caller).
 */
export function writePath(path: string, target: JsonValue, value: JsonValue): JsonValue | undefined {
  const c = compilePath(path);
  if (!c || c.segments === null) return undefined;
  const segs = c.segments;
  if (segs.length === 0) return value;
  const write = (node: JsonValue | undefined, i: number): JsonValue | undefined => {
    const seg = segs[i];
    const last = i === segs.length - 1;
    if (typeof seg === 'number') {
      if (!Array.isArray(node) || seg >= node.length) return undefined;
      const copy = node.slice();
      const inner = last ? value : write(copy[seg], i + 1);
      if (inner === undefined) return undefined;
      copy[seg] = inner;
      return copy;
    }
    let obj: Record<string, JsonValue>;
    if (node === undefined) obj = {};
    else if (node !== null && typeof node === 'object' && !Array.isArray(node)) obj = { ...node };
    else return undefined;
    const inner = last ? value : write(obj[seg], i + 1);
    if (inner === undefined) return undefined;
    obj[seg] = inner;
    return obj;
  };
  return write(target, 0);
}
