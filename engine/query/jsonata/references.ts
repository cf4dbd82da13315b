/**
 * Static questions about a JSONata expression, for the validator: does it parse, and which
 * workflow variables does it read.
 */
import type jsonata from 'jsonata';
import { compileJsonata } from './evaluate.ts';
import { FUNCTION_NAMES } from './functions.ts';

export interface JsonataSyntaxError {
  /** JSONata's code, e.g. `S0203`. */
  code: string;
  message: string;
  /** 1-based character offset in the expression, as JSONata counts. */
  position: number;
}

/**
 * JSONata's complaint when `expression` does not parse, `undefined` when it does.
 *
 * @example
 * jsonataSyntaxError('(');  // { code: 'S0203', message: 'Expected ")" before end of expression', position: 1 }
 */
export function jsonataSyntaxError(expression: string): JsonataSyntaxError | undefined {
  try {
    compileJsonata(expression);
    return undefined;
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown; position?: unknown };
    return {
      code: typeof e.code === 'string' ? e.code : '',
      message: typeof e.message === 'string' ? e.message : String(error),
      position: typeof e.position === 'number' ? e.position : 0,
    };
  }
}

/** Anything in an AST worth walking into. */
type Node = jsonata.ExprNode & Record<string, unknown>;

/**
 * The workflow variables an expression reads, by bare name (`$order.id` gives `order`), in order
 * of first appearance. Left out: `$states`, built-in and AWS function names, `$`/`$$`, and names
 * the expression binds itself (`$x := ...`, lambda parameters, `@$x`/`#$i`). An expression that does
 * not parse reads nothing (ask {@link jsonataSyntaxError}).
 *
 * Caveat: a variable named like a function (`$string`) is taken for the function.
 *
 * @example
 * jsonataVariableReferences('($n := $count($items); $n * $rate)'); // ['items', 'rate']
 */
export function jsonataVariableReferences(expression: string): string[] {
  let ast: jsonata.ExprNode;
  try {
    ast = compileJsonata(expression).ast();
  } catch {
    return [];
  }
  const found = new Set<string>();
  walk(ast, new Set(), found);
  return [...found];
}

function walk(node: unknown, scope: Set<string>, found: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, scope, found);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const n = node as Node;
  switch (n.type as string) {
    case 'variable': {
      const name = n.value as string;
      // '' is `$`, '$' is `$$`: the context and the root, not variables
      if (name !== '' && name !== '$' && name !== 'states' && !scope.has(name) && !FUNCTION_NAMES.has(name)) found.add(name);
      return;
    }
    case 'bind': {
      walk(n.rhs, scope, found);
      const lhs = n.lhs as Node | undefined;
      if (lhs?.type === 'variable') scope.add(lhs.value as string);
      else walk(lhs, scope, found);
      return;
    }
    case 'block': {
      const inner = new Set(scope);
      for (const expression of n.expressions ?? []) walk(expression, inner, found);
      return;
    }
    case 'lambda': {
      const inner = new Set(scope);
      for (const argument of n.arguments ?? []) inner.add(argument.value as string);
      walk(n.body, inner, found);
      return;
    }
    case 'path': {
      // focus (@$x) and index (#$i) variables are bound for the rest of the path
      const inner = new Set(scope);
      for (const step of (n.steps ?? []) as Node[]) {
        if (typeof step.focus === 'string') inner.add(step.focus);
        if (typeof step.index === 'string') inner.add(step.index);
      }
      walkChildren(n, inner, found);
      return;
    }
    default:
      walkChildren(n, scope, found);
  }
}

function walkChildren(n: Node, scope: Set<string>, found: Set<string>): void {
  for (const [key, child] of Object.entries(n)) {
    if (key === 'value' && (n.type === 'variable' || typeof child !== 'object')) continue;
    if (typeof child === 'object' && child !== null) walk(child, scope, found);
  }
}
