/** Shared fixtures for the intrinsic tests: evaluate with fixed roots and effects. */
import type { JsonValue } from '../../../engine/json.ts';
import { ExecutionError } from '../../../engine/errors.ts';
import { evaluateIntrinsic, type IntrinsicEnv } from '../../../engine/query/intrinsics/index.ts';

export interface Roots {
  input?: JsonValue;
  context?: JsonValue;
  variables?: Record<string, JsonValue>;
}

export const fixedEnv: IntrinsicEnv = { uuid: () => '0b7f1a9e-3c1d-4d5e-9f60-1a2b3c4d5e6f', random: () => 0.5 };

export function run(expression: string, roots: Roots = {}, env: IntrinsicEnv = fixedEnv): JsonValue {
  const variables = roots.variables ?? {};
  return evaluateIntrinsic(
    expression,
    {
      input: roots.input ?? {},
      context: roots.context ?? {},
      variable: (name) => (Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : undefined),
    },
    env,
  );
}

/** The error a failing evaluation raised, as `{ error, cause }`. */
export function failure(expression: string, roots: Roots = {}): { error: string; cause: string | undefined } {
  try {
    run(expression, roots);
  } catch (e) {
    if (e instanceof ExecutionError) return { error: e.error, cause: e.causeText };
    throw e;
  }
  throw new Error(`expected ${expression} to fail`);
}

/** The cause AWS writes (after the state prefix) for a bad argument to `name`. */
export function invalidArgumentsCause(expression: string, name: string): string {
  return `The function '${expression}' had the following error: Invalid arguments in ${name}`;
}
