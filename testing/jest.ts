/**
 * Jest matchers that read an execution's history. Register them once (a setup file, or the top of
 * a test file):
 *
 * ```ts
 * import { expect } from '@jest/globals';
 * import { matchers } from 'longhaul/testing/jest';
 * expect.extend(matchers);
 * ```
 *
 * Each takes what `env.waitForExecution` / `env.startAndWait` resolve to, and on failure says
 * which states the execution visited.
 *
 * @example
 * const execution = await env.startAndWait('etl', { reportId: 'r-1' });
 * expect(execution).toHaveVisited('StartEtlJob');
 * expect(execution).toHaveRetried('CheckEtlJob', 3);
 * expect(execution).toHaveBeenCaughtAt('Notify');
 * expect(execution).toHaveSucceededWith({ reportId: 'r-1', status: 'DONE' });
 */
import { isDeepStrictEqual } from 'node:util';
// the module the matcher types merge into (Jest's own `expect`, which @jest/globals re-exports)
import type {} from 'expect';
import { caughtErrors, retriesOf, statesVisited, type Execution } from './execution.ts';

/** What Jest hands a matcher as `this` (the part these matchers use). */
interface MatcherContext {
  isNot?: boolean;
  utils: { printExpected(v: unknown): string; printReceived(v: unknown): string };
}

interface MatcherResult {
  pass: boolean;
  message(): string;
}

function asExecution(received: unknown, matcher: string): Execution {
  const e = received as Partial<Execution> | null;
  if (typeof e !== 'object' || e === null || !Array.isArray(e.history) || typeof e.status !== 'string') {
    throw new TypeError(`${matcher}: expected an execution from env.waitForExecution() or env.startAndWait(), received ${typeof received === 'object' ? JSON.stringify(received)?.slice(0, 200) : String(received)}`);
  }
  return e as Execution;
}

function trail(execution: Execution): string {
  const visited = statesVisited(execution.history);
  const end = execution.status === 'SUCCEEDED' ? 'SUCCEEDED' : `${execution.status}${execution.error ? ` (${execution.error}${execution.cause ? `: ${execution.cause}` : ''})` : ''}`;
  return `States visited: ${visited.length > 0 ? visited.join(' -> ') : '(none)'}\nThe execution ended ${end}.`;
}

export const matchers = {
  /** The execution entered the state (at least once). */
  toHaveVisited(this: MatcherContext, received: unknown, state: string): MatcherResult {
    const execution = asExecution(received, 'toHaveVisited');
    const pass = statesVisited(execution.history).includes(state);
    return {
      pass,
      message: () => `expected the execution ${pass ? 'not ' : ''}to visit ${this.utils.printExpected(state)}\n${trail(execution)}`,
    };
  },

  /** The state's task was tried again exactly `times` times after failing (over all its entries). */
  toHaveRetried(this: MatcherContext, received: unknown, state: string, times: number): MatcherResult {
    const execution = asExecution(received, 'toHaveRetried');
    const retries = retriesOf(execution.history, state);
    const pass = retries === times;
    return {
      pass,
      message: () => `expected ${this.utils.printExpected(state)} ${pass ? 'not ' : ''}to be retried ${times} time(s); it was retried ${this.utils.printReceived(retries)} time(s)\n${trail(execution)}`,
    };
  },

  /** A Catch sent the execution to `state` (an error of `error`'s name when given). */
  toHaveBeenCaughtAt(this: MatcherContext, received: unknown, state: string, error?: string): MatcherResult {
    const execution = asExecution(received, 'toHaveBeenCaughtAt');
    const caught = caughtErrors(execution.history);
    const pass = caught.some((c) => c.to === state && (error === undefined || c.error === error));
    const seen = caught.length === 0 ? 'No error was caught.' : `Caught: ${caught.map((c) => `${c.error} in ${c.from} -> ${c.to}`).join('; ')}.`;
    return {
      pass,
      message: () => `expected ${pass ? 'no' : 'a'} Catch to send the execution to ${this.utils.printExpected(state)}${error ? ` on ${error}` : ''}\n${seen}\n${trail(execution)}`,
    };
  },

  /** The execution SUCCEEDED with this output (deep equality). */
  toHaveSucceededWith(this: MatcherContext, received: unknown, output: unknown): MatcherResult {
    const execution = asExecution(received, 'toHaveSucceededWith');
    const pass = execution.status === 'SUCCEEDED' && isDeepStrictEqual(execution.output, output);
    return {
      pass,
      message: () => `expected the execution ${pass ? 'not ' : ''}to succeed with ${this.utils.printExpected(output)}\n`
        + (execution.status === 'SUCCEEDED' ? `It succeeded with ${this.utils.printReceived(execution.output)}\n` : '')
        + trail(execution),
    };
  },
};

/** The matchers' signatures, for declaration merging into Jest's `expect`. */
export interface ExecutionMatchers<R = unknown> {
  toHaveVisited(state: string): R;
  toHaveRetried(state: string, times: number): R;
  toHaveBeenCaughtAt(state: string, error?: string): R;
  toHaveSucceededWith(output: unknown): R;
}

declare module 'expect' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Matchers<R extends void | Promise<void>, T = unknown> extends ExecutionMatchers<R> {}
}
