/**
 * JSONPath as Step Functions reads it: Jayway JsonPath's grammar and evaluation (see compile.ts
 * and evaluate.ts), under Step Functions' roots.
 *
 * Paths made only of names and indexes (`$.a.b[0]`, `$['a']`) are walked directly: they are what
 * almost every state uses, and ResultPath writes through them. Every other path is evaluated as
 * Jayway evaluates it: a definite one (`$.a[-1]`, `$.items.length()`) yields its value, an
 * indefinite one (wildcards, slices, filters, deep scan, unions) always a list, as in AWS.
 *
 * The roots are `$` (the input), `$$` (the context object) and `$name` (a variable, JSONPath states
 * only).
 */
import type { JsonValue } from '../../json.ts';
import { compileJsonPath, isDefinite, type CompiledJsonPath } from './compile.ts';
import { evaluateJsonPath } from './evaluate.ts';

export type Lookup = { found: true; value: JsonValue } | { found: false };

type Segment = string | number;
interface Compiled {
  /** `input`, `context`, or a variable name */
  root: { kind: 'input' } | { kind: 'context' } | { kind: 'variable'; name: string };
  /** the names and indexes of a simple path; null for any other path, which Jayway's evaluation reads */
  segments: Segment[] | null;
  /** the path after its root, as Jayway compiled it (`$` standing for the root's value) */
  jayway: CompiledJsonPath;
  /** Jayway's definite: the path selects at most one value */
  definite: boolean;
}

const cache = new Map<string, Compiled | null>();
const ROOT = /^\$(\$|[\p{ID_Start}_][\p{ID_Continue}]*)?/u;

/** Parses once and caches; `null` when the text is not a path Jayway compiles. */
export function compilePath(path: string): Compiled | null {
  let c = cache.get(path);
  if (c !== undefined) return c;
  c = compile(path);
  if (cache.size > 10_000) cache.clear();
  cache.set(path, c);
  return c;
}

function compile(path: string): Compiled | null {
  if (typeof path !== 'string' || path.length === 0) return null;
  if (!path.startsWith('$')) return relative(path);
  const m = ROOT.exec(path)!;
  const head = m[1];
  const root: Compiled['root'] =
    head === undefined ? { kind: 'input' } : head === '$' ? { kind: 'context' } : { kind: 'variable', name: head };
  let jayway: CompiledJsonPath;
  try {
    jayway = compileJsonPath('$' + path.slice(m[0].length));
  } catch {
    return null;
  }
  return { root, segments: simpleSegments(jayway), jayway, definite: isDefinite(jayway) };
}

/** Jayway reads a path without `$` (`"TimestampPath": "timestamp"`, which AWS accepts) from the root. */
function relative(path: string): Compiled | null {
  let jayway: CompiledJsonPath;
  try {
    jayway = compileJsonPath(path);
  } catch {
    return null;
  }
  return { root: { kind: 'input' }, segments: simpleSegments(jayway), jayway, definite: isDefinite(jayway) };
}

/** The segments of a path of single names and non-negative indexes only; null otherwise. */
function simpleSegments(path: CompiledJsonPath): Segment[] | null {
  const segments: Segment[] = [];
  for (const t of path.tokens) {
    if (t.kind === 'property' && t.names.length === 1) segments.push(t.names[0]);
    else if (t.kind === 'index' && t.indexes.length === 1 && t.indexes[0] >= 0) segments.push(t.indexes[0]);
    else return null;
  }
  return segments;
}

/** True when the path selects at most one value (Jayway's definite path). */
export function isDefinitePath(path: string): boolean {
  const c = compilePath(path);
  return c !== null && c.definite;
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
  if (c.segments === null) return evaluateJsonPath(c.jayway, data, c.definite);
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
