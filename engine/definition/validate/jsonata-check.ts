/**
 * JSONata expressions (`{% ... %}`) checked at creation, as AWS does.
 *
 * AWS parses every expression of a JSONata state when the state machine is created and refuses:
 * a syntax error (INVALID_JSONATA_EXPRESSION, with the parser's message without its `S0xxx`
 * code), a path that starts from the non-existent context item rather than from `$states` or a
 * variable (UNSUPPORTED_JSONATA_EXPRESSION, "Reference to 'x' at the top level is not
 * supported."), `$$`, and `$states.errorOutput` outside a catcher.
 */
import jsonata from 'jsonata';

export function isJsonataExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}') && value.length >= 4;
}

export function jsonataBody(value: string): string {
  return value.slice(2, -2);
}

export type JsonataFinding =
  | { kind: 'syntax'; message: string }
  | { kind: 'topLevel'; name: string }
  | { kind: 'rootReference' }
  | { kind: 'errorOutput' };

interface AstNode {
  type?: string;
  value?: unknown;
  steps?: AstNode[];
  [key: string]: unknown;
}

/**
 * Everything AWS would object to in one `{% %}` string. `errorOutputAllowed` is true inside a
 * catcher's Output and Assign, the one place `$states.errorOutput` exists.
 */
export function checkJsonata(expression: string, options: { errorOutputAllowed: boolean }): JsonataFinding[] {
  let ast: AstNode;
  try {
    ast = jsonata(jsonataBody(expression)).ast() as AstNode;
  } catch (e) {
    const err = e as { message?: string; code?: string };
    return [{ kind: 'syntax', message: err.message ?? String(e) }];
  }
  const findings: JsonataFinding[] = [];
  const seen = new Set<string>();
  const add = (f: JsonataFinding): void => {
    const key = f.kind === 'topLevel' ? `t:${f.name}` : f.kind;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(f);
  };
  walk(ast, false);
  return findings;

  /** `inContext`: evaluated against a path step's items, where a bare name is a field name. */
  function walk(node: unknown, inContext: boolean): void {
    if (Array.isArray(node)) {
      for (const n of node) walk(n, inContext);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const n = node as AstNode;
    if (n.type === 'path' && Array.isArray(n.steps)) {
      n.steps.forEach((step, i) => {
        if (i === 1 && isStatesVariable(n.steps![0]) && step.type === 'name' && step.value === 'errorOutput' && !options.errorOutputAllowed) {
          add({ kind: 'errorOutput' });
        }
        walkStep(step, inContext || i > 0);
      });
      for (const [key, child] of Object.entries(n)) {
        if (key === 'steps') continue;
        walk(child, true);
      }
      return;
    }
    walkStep(n, inContext);
  }

  function walkStep(n: AstNode, inContext: boolean): void {
    if (n.type === 'name' && !inContext && typeof n.value === 'string') add({ kind: 'topLevel', name: n.value });
    if (n.type === 'variable' && n.value === '$') add({ kind: 'rootReference' });
    for (const [key, child] of Object.entries(n)) {
      if (child === null || typeof child !== 'object') continue;
      // predicates, filters and grouping are evaluated against the step's own items, and a
      // transform's pattern and update against the value being transformed
      const contextual = key === 'stages' || key === 'predicate' || key === 'group' || n.type === 'transform';
      walk(child, inContext || contextual);
    }
  }
}

function isStatesVariable(n: AstNode | undefined): boolean {
  return n?.type === 'variable' && n.value === 'states';
}
