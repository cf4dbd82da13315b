/**
 * Helpers for the local Lambda runtime's tests: fixture handlers, runtimes closed after each test,
 * and invocation results read as JSON.
 */
import { afterEach } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import type { JsonValue } from '../../../engine/json.ts';
import { LambdaRuntime, type LambdaRuntimeOptions, type LogLine } from '../../../local/lambda/runtime.ts';
import type { InvokeOptions } from '../../../local/lambda/runtime.ts';

/** Absolute path of a handler module in test/support/functions/lambda-runtime/. */
export function fixture(file: string): string {
  return fileURLToPath(new URL(`../../support/functions/lambda-runtime/${file}`, import.meta.url));
}

/**
 * A factory of runtimes that are closed after each test of the calling file. Sandbox output is
 * kept in `logs` rather than printed.
 */
export function lambdaRuntimes(): { create(opts?: LambdaRuntimeOptions): LambdaRuntime; logs: LogLine[] } {
  const open: LambdaRuntime[] = [];
  const logs: LogLine[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((r) => r.close()));
    logs.length = 0;
  });
  return {
    logs,
    create: (opts = {}) => {
      const runtime = new LambdaRuntime({ onLog: (line) => logs.push(line), ...opts });
      open.push(runtime);
      return runtime;
    },
  };
}

/** An invocation's answer with its payload parsed. */
export interface JsonAnswer {
  requestId: string;
  functionError?: string;
  payload: Record<string, JsonValue>;
}

/** Invokes a function and parses its answer. */
export async function invokeJson(runtime: LambdaRuntime, name: string, event: JsonValue = {}, options?: InvokeOptions): Promise<JsonAnswer> {
  const r = await runtime.invoke(name, event, options);
  return { requestId: r.requestId, functionError: r.functionError, payload: JSON.parse(r.payload) as Record<string, JsonValue> };
}

/** Resolves after `ms` of real time. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether a process id names a live process. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `condition` holds, polling in real time; rejects after `ms`. */
export async function eventually(condition: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(20);
  }
}
