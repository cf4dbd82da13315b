/** Additions to a stack config for whole-stack tests: state machines written as files under `dir`, rules, functions. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig, StackRule } from '../../local/stack.ts';

/**
 * The config with these state machines (name → definition, each written to `<dir>/<name>.asl.json`),
 * rules and functions added to its own.
 *
 * @example
 * const env = await stacks({ config: withMachines(dir, { echo: ECHO }, { rules: [rule] }) });
 */
export function withMachines(dir: string, machines: Record<string, object>, extra: { rules?: StackRule[]; functions?: StackConfig['functions'] } = {}): (c: StackConfig) => StackConfig {
  return (c) => ({
    ...c,
    stateMachines: [
      ...(c.stateMachines ?? []),
      ...Object.entries(machines).map(([name, definition]) => {
        const file = join(dir, `${name}.asl.json`);
        writeFileSync(file, JSON.stringify(definition));
        return { name, definitionFile: file };
      }),
    ],
    rules: [...(c.rules ?? []), ...(extra.rules ?? [])],
    functions: { ...c.functions, ...extra.functions },
  });
}
