/**
 * Function configurations: what a function runs (`handler`) and how (timeout, memory, environment,
 * concurrency), from a JSON file or given in code, checked as Lambda checks them.
 *
 * The file:
 * ```json
 * { "functions": { "poll-report": { "handler": "handlers/poll-report/index.ts#handler", "timeout": 30,
 *   "memorySize": 256, "environment": { "TABLE": "reports" }, "concurrency": 4 } } }
 * ```
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { FUNCTION_NAME } from './arn.ts';
import { InvalidFunctionConfig } from './errors.ts';
import { parseHandlerSpec } from './handler-call.ts';

/** One function as configured. */
export interface FunctionConfig {
  /**
   * `path/to/module.ts#exportName` (export `handler` when no `#` is given), TypeScript or
   * JavaScript; a relative path resolves against the config file's folder (or `baseDir`).
   */
  handler: string;
  /** seconds before an invocation is stopped: default 3 (Lambda's), at most 900 */
  timeout?: number;
  /** MB: default 128, 128 to 10240; bounds the V8 heap of each instance */
  memorySize?: number;
  /** the function's environment variables (Lambda's reserved names are refused) */
  environment?: Record<string, string>;
  /** instances that may run at once; invocations beyond it wait in a queue (default 10) */
  concurrency?: number;
}

/** A checked configuration with its module resolved to an absolute path. */
export interface ResolvedFunction {
  name: string;
  /** the handler setting as written, for Lambda's error messages */
  handlerSpec: string;
  modulePath: string;
  exportName: string;
  timeoutSeconds: number;
  memorySize: number;
  environment: Record<string, string>;
  concurrency: number;
}

export const FUNCTION_DEFAULTS = { timeout: 3, memorySize: 128, concurrency: 10 } as const;

/** Environment variables Lambda sets itself and refuses in a function's configuration. */
export const RESERVED_ENVIRONMENT: readonly string[] = [
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
];

function constraint(value: unknown, field: string, rule: string): InvalidFunctionConfig {
  return new InvalidFunctionConfig(`1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${rule}`);
}

function numberIn(value: unknown, field: string, min: number, max: number, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw constraint(value, field, integer ? 'Member must be an integer' : 'Member must be a number');
  }
  if (value < min) throw constraint(value, field, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw constraint(value, field, `Member must have value less than or equal to ${max}`);
  return value;
}

/**
 * Checks a configuration and resolves its module path.
 *
 * Caveat: `timeout` may be fractional (tests use sub-second timeouts); Lambda takes whole seconds.
 *
 * @example
 * const fn = resolveFunctionConfig('poll', { handler: './poll.ts', timeout: 30 }, process.cwd());
 */
export function resolveFunctionConfig(name: string, config: FunctionConfig, baseDir: string): ResolvedFunction {
  if (!FUNCTION_NAME.test(name)) throw constraint(name, 'functionName', 'Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+ and have length less than or equal to 64');
  if (typeof config?.handler !== 'string' || config.handler === '') throw constraint(config?.handler, 'handler', 'Member must not be null');
  const { module, exportName } = parseHandlerSpec(config.handler);
  const environment = config.environment ?? {};
  if (typeof environment !== 'object' || environment === null || Array.isArray(environment)) throw constraint(environment, 'environment', 'Member must be a map of strings');
  for (const [k, v] of Object.entries(environment)) {
    if (!/^[a-zA-Z]\w*$/.test(k)) throw constraint(k, 'environment.variables', 'Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+');
    if (typeof v !== 'string') throw constraint(v, `environment.variables.${k}`, 'Member must be a string');
  }
  const reserved = Object.keys(environment).filter((k) => RESERVED_ENVIRONMENT.includes(k));
  if (reserved.length > 0) {
    throw new InvalidFunctionConfig(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  return {
    name,
    handlerSpec: config.handler,
    modulePath: isAbsolute(module) ? module : resolve(baseDir, module),
    exportName,
    timeoutSeconds: config.timeout === undefined ? FUNCTION_DEFAULTS.timeout : numberIn(config.timeout, 'timeout', 0.001, 900, false),
    memorySize: config.memorySize === undefined ? FUNCTION_DEFAULTS.memorySize : numberIn(config.memorySize, 'memorySize', 128, 10240, true),
    environment: { ...environment },
    concurrency: config.concurrency === undefined ? FUNCTION_DEFAULTS.concurrency : numberIn(config.concurrency, 'concurrency', 1, 1000, true),
  };
}

/**
 * Reads a functions file (`{ "functions": { name: FunctionConfig } }`); handler paths resolve
 * against the file's folder.
 *
 * @example
 * const functions = readFunctionsConfig('longhaul.functions.json');
 */
export function readFunctionsConfig(file: string): ResolvedFunction[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InvalidFunctionConfig(`Cannot read the functions file ${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const functions = (parsed as { functions?: unknown } | null)?.functions;
  if (typeof functions !== 'object' || functions === null || Array.isArray(functions)) {
    throw new InvalidFunctionConfig(`The functions file ${file} has no "functions" object`);
  }
  const baseDir = dirname(resolve(file));
  return Object.entries(functions as Record<string, FunctionConfig>).map(([name, config]) => resolveFunctionConfig(name, config, baseDir));
}
