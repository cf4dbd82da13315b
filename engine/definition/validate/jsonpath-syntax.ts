/**
 * JSONPath syntax as AWS accepts it in a definition.
 *
 * AWS compiles paths with Jayway JsonPath, which is lenient: a path that does not start with `$`
 * is read as relative to the root (`timestamp` means `$.timestamp`, and AWS accepts
 * `"TimestampPath": "timestamp"`). Step Functions adds the roots `$$` (context object) and
 * `$name` (a variable). What this checker refuses is what Jayway cannot compile: unbalanced
 * brackets, empty names, a trailing dot, a bracket holding neither an index, a quoted name, a
 * slice, a wildcard nor a filter.
 */

export const PathRootKind = { Input: 'input', Context: 'context', Variable: 'variable' } as const;
export type PathRootKind = (typeof PathRootKind)[keyof typeof PathRootKind];

export interface PathSyntax {
  root: PathRootKind;
  /** true when the path selects at most one value: no wildcard, deep scan, slice, union or filter */
  definite: boolean;
}

const VARIABLE = /^\$([\p{ID_Start}_][\p{ID_Continue}]*)/u;

/**
 * Parses the syntax of `path`; `null` when Jayway (plus Step Functions' roots) would refuse it.
 * `relative` allows a path without a leading `$`, as Jayway does.
 */
export function parsePathSyntax(path: string, options: { relative?: boolean } = {}): PathSyntax | null {
  if (typeof path !== 'string' || path.length === 0) return null;
  if (path.trim() !== path) return null;
  let root: PathRootKind;
  let rest: string;
  if (path.startsWith('$$')) {
    root = PathRootKind.Context;
    rest = path.slice(2);
  } else if (path.startsWith('$')) {
    const v = VARIABLE.exec(path);
    if (v) {
      root = PathRootKind.Variable;
      rest = path.slice(v[0].length);
    } else {
      root = PathRootKind.Input;
      rest = path.slice(1);
    }
  } else if (options.relative) {
    root = PathRootKind.Input;
    rest = path.startsWith('[') ? path : `.${path}`;
  } else {
    return null;
  }
  const definite = segments(rest);
  return definite === null ? null : { root, definite };
}

/** Walks the segments after the root; returns whether they are all definite, or null when invalid. */
function segments(rest: string): boolean | null {
  let i = 0;
  let definite = true;
  while (i < rest.length) {
    const ch = rest[i];
    if (ch === '.') {
      let deep = false;
      i++;
      if (rest[i] === '.') {
        deep = true;
        definite = false;
        i++;
      }
      if (i >= rest.length) return null;
      if (rest[i] === '[') {
        if (!deep) return null;
        continue;
      }
      if (rest[i] === '*') {
        definite = false;
        i++;
        continue;
      }
      const start = i;
      while (i < rest.length && !'.[]() \t\n\r\'"'.includes(rest[i])) i++;
      if (i === start) return null;
      if (rest[i] === '(') {
        // Jayway's path functions: `.length()`, `.min()` ...
        if (rest[i + 1] !== ')') return null;
        definite = false;
        i += 2;
        if (i < rest.length) return null;
      }
      continue;
    }
    if (ch === '[') {
      const close = bracketEnd(rest, i);
      if (close < 0) return null;
      const inner = rest.slice(i + 1, close).trim();
      const kind = bracketKind(inner);
      if (kind === null) return null;
      if (kind === 'indefinite') definite = false;
      i = close + 1;
      continue;
    }
    return null;
  }
  return definite;
}

/** The index of the `]` closing the bracket opened at `open`, honouring quotes and parentheses. */
function bracketEnd(s: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open + 1; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ']' && depth === 0) return i;
    else if (c === '[' && depth === 0) return -1;
  }
  return -1;
}

const INDEX = /^-?\d+$/;
const INDEX_LIST = /^-?\d+(\s*,\s*-?\d+)+$/;
const SLICE = /^(-?\d+)?\s*:\s*(-?\d+)?(\s*:\s*(-?\d+)?)?$/;
const QUOTED = /^(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")$/;
const QUOTED_LIST = /^(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")(\s*,\s*(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"))+$/;

function bracketKind(inner: string): 'definite' | 'indefinite' | null {
  if (inner === '*') return 'indefinite';
  if (INDEX.test(inner)) return 'definite';
  if (QUOTED.test(inner)) return 'definite';
  if (INDEX_LIST.test(inner) || QUOTED_LIST.test(inner) || SLICE.test(inner)) return 'indefinite';
  if (inner.startsWith('?(') && inner.endsWith(')') && balanced(inner.slice(1))) return 'indefinite';
  if (inner.startsWith('(') && inner.endsWith(')') && balanced(inner)) return 'indefinite';
  return null;
}

function balanced(s: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth < 0) return false;
    }
  }
  return depth === 0 && quote === null && s.length > 2;
}

/** A Path in the ASL sense: any JSONPath from the input, the context object or a variable. */
export function isValidPath(path: unknown): boolean {
  return typeof path === 'string' && parsePathSyntax(path, { relative: true }) !== null;
}

/**
 * A Reference Path: selects a single node (no wildcard, filter, slice, union or deep scan).
 * `inputOnly` refuses the `$$` and `$name` roots (ResultPath writes into the input).
 */
export function isValidReferencePath(path: unknown, options: { inputOnly?: boolean } = {}): boolean {
  if (typeof path !== 'string') return false;
  const p = parsePathSyntax(path, { relative: true });
  if (p === null || !p.definite) return false;
  return !options.inputOnly || p.root === PathRootKind.Input;
}
