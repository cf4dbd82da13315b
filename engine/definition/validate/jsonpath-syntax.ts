/**
 * JSONPath syntax as AWS accepts it in a definition.
 *
 * AWS compiles paths with Jayway JsonPath, so a path is valid exactly when Jayway's PathCompiler
 * compiles it (engine/query/jsonpath/compile.ts is a port of it): `$.abc.['def ghi']`,
 * `$['a','b']`, `$[-1:]`, `$..book[?(@.price < $.expensive)]`, `$.items.length()`... Jayway is
 * lenient: a path that does not start with `$` is read as relative to the root (`timestamp`
 * means `$.timestamp`, and AWS accepts `"TimestampPath": "timestamp"`). Step Functions adds the
 * roots `$$` (context object) and `$name` (a variable) in front of Jayway's grammar, and its own
 * rule for reference paths (ResultPath, ItemsPath, the `*Path` twins of numbers and timestamps):
 * names and single indexes only, no wildcard, deep scan, union, slice, filter nor function.
 */
import { compileJsonPath, isDefinite, type CompiledJsonPath } from '../../query/jsonpath/compile.ts';

export const PathRootKind = { Input: 'input', Context: 'context', Variable: 'variable' } as const;
export type PathRootKind = (typeof PathRootKind)[keyof typeof PathRootKind];

export interface PathSyntax {
  root: PathRootKind;
  /** true when the path selects at most one value: Jayway's definite path */
  definite: boolean;
  /** true when the path is made of single names and indexes only: an AWS reference path */
  reference: boolean;
}

const VARIABLE = /^\$([\p{ID_Start}_][\p{ID_Continue}]*)/u;

/**
 * Parses the syntax of `path`; `null` when Jayway (plus Step Functions' roots) would refuse it.
 * `relative` allows a path without a leading `$`, as Jayway does.
 *
 * @example
 * parsePathSyntax("$.abc.['def ghi']") // { root: 'input', definite: true, reference: true }
 * parsePathSyntax('$$.Map.Item.Value') // { root: 'context', definite: true, reference: true }
 * parsePathSyntax('$.a[?(@.b =~ /x/i)]') // { root: 'input', definite: false, reference: false }
 */
export function parsePathSyntax(path: string, options: { relative?: boolean } = {}): PathSyntax | null {
  if (typeof path !== 'string' || path.length === 0) return null;
  let root: PathRootKind;
  let jayway: string;
  if (path.startsWith('$$')) {
    root = PathRootKind.Context;
    jayway = '$' + path.slice(2);
  } else if (path.startsWith('$')) {
    const v = VARIABLE.exec(path);
    root = v ? PathRootKind.Variable : PathRootKind.Input;
    jayway = v ? '$' + path.slice(v[0].length) : path;
  } else if (options.relative) {
    root = PathRootKind.Input;
    jayway = path;
  } else {
    return null;
  }
  let compiled: CompiledJsonPath;
  try {
    compiled = compileJsonPath(jayway);
  } catch {
    return null;
  }
  const reference = compiled.tokens.every((t) => (t.kind === 'property' && t.names.length === 1) || (t.kind === 'index' && t.indexes.length === 1));
  return { root, definite: isDefinite(compiled), reference };
}

/** A Path in the ASL sense: any JSONPath from the input, the context object or a variable. */
export function isValidPath(path: unknown): boolean {
  return typeof path === 'string' && parsePathSyntax(path, { relative: true }) !== null;
}

/**
 * A Reference Path: selects a single node through names and indexes only (no wildcard, filter,
 * slice, union, deep scan or function). `inputOnly` refuses the `$$` and `$name` roots (ResultPath
 * writes into the input).
 */
export function isValidReferencePath(path: unknown, options: { inputOnly?: boolean } = {}): boolean {
  if (typeof path !== 'string') return false;
  const p = parsePathSyntax(path, { relative: true });
  if (p === null || !p.reference) return false;
  return !options.inputOnly || p.root === PathRootKind.Input;
}
