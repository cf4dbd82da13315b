/**
 * The functions Step Functions adds to JSONata ($partition, $range, $hash, $random with a seed,
 * $uuid, $parse), the one it removes ($eval), and $now/$millis read from the injected clock.
 *
 * Each is registered once on a compiled expression; what varies per evaluation (ids, randomness,
 * the clock) is reached through a binding no expression can name (its key holds a space), so one
 * compiled expression serves concurrent evaluations.
 *
 * Signatures are JSONata's own, so a wrong argument fails as AWS documents it:
 * `T0410: Argument 1 of function "partition" does not match function signature`.
 * AWS rounds non-integer integer arguments down; we truncate toward zero, as observed for $range.
 */
import { HashAlgorithm } from '../intrinsics/functions/hash.ts';
import { createHash } from 'node:crypto';
import jsonata from 'jsonata';
import type { EvaluationBudget } from './budget.ts';

/** What a JSONata evaluation may not produce by itself: ids, randomness and (optionally) the time. */
export interface JsonataEnv {
  /** A v4 UUID, for `$uuid()`. */
  uuid(): string;
  /** A number in [0, 1), for `$random()` without a seed. */
  random(): number;
  /** Epoch milliseconds for `$now()` / `$millis()`; without it JSONata reads the wall clock. */
  now?(): number;
  /** How much work each expression may do; without it an expression may run (and hold the event loop) forever. */
  budget?: EvaluationBudget;
  /** Once aborted, a budgeted evaluation stops at its next clock check, rejecting with EvaluationAborted. */
  signal?: AbortSignal;
}

/** Per-evaluation state the registered functions read. */
export interface CallContext {
  env: JsonataEnv;
  /** $now() and $millis() return one instant per evaluation, as in JSONata. */
  nowMs?: number;
}

/** The binding that carries the {@link CallContext}; the space keeps it out of reach of `$name`. */
export const CALL_CONTEXT = 'longhaul call-context';

/** Longest array `$range` builds; the recordings show no AWS limit, this one only protects memory. */
export const RANGE_MAX_ITEMS = 1_000_000;

/** Hash algorithms `$hash` accepts: the same names, spelt as AWS does, as States.Hash. */
export const HASH_ALGORITHMS = HashAlgorithm;

/**
 * An error one of our functions raises. Without a code its message stands alone in the cause; the
 * texts are ours (AWS's are not recorded).
 */
export class JsonataFunctionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonataFunctionError';
  }
}

interface FunctionSpec {
  signature: string;
  implementation: (this: jsonata.Focus, ...args: never[]) => unknown;
}

function callContext(focus: jsonata.Focus): CallContext {
  return focus.environment.lookup(CALL_CONTEXT) as CallContext;
}

function nowMs(focus: jsonata.Focus): number {
  const ctx = callContext(focus);
  if (ctx.env.now === undefined) return focus.environment.timestamp.getTime();
  ctx.nowMs ??= ctx.env.now();
  return ctx.nowMs;
}

/** JSONata's own $fromMillis, which $now formats with (JSONata awaits a function's promise). */
const fromMillis = jsonata('$fromMillis($millis, $picture, $timezone)');
function formatMillis(millis: number, picture: string | undefined, timezone: string | undefined): Promise<string | undefined> {
  return fromMillis.evaluate(undefined, { millis, picture, timezone }) as Promise<string | undefined>;
}

function toInteger(n: number): number {
  return Math.trunc(n);
}

/**
 * Split an array into chunks of `size` items; the last chunk may be shorter.
 *
 * @example
 * partition([1, 2, 3], 2); // [[1, 2], [3]]
 */
export function partition<T>(items: readonly T[], size: number): T[][] {
  const chunk = toInteger(size);
  if (!(chunk >= 1)) throw new JsonataFunctionError(`The chunk size of the $partition function must be a positive integer, but was: ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += chunk) out.push(items.slice(i, i + chunk));
  return out;
}

/**
 * Integers from `start` to `end` inclusive, `step` apart (negative steps count down); empty when
 * the step points away from `end`.
 *
 * @example
 * range(0, 10, 2); // [0, 2, 4, 6, 8, 10]
 */
export function range(start: number, end: number, step: number): number[] {
  const [from, to, by] = [toInteger(start), toInteger(end), toInteger(step)];
  if (by === 0) throw new JsonataFunctionError('The step of the $range function must not be zero');
  if ((by > 0 && from > to) || (by < 0 && from < to)) return [];
  const count = Math.floor((to - from) / by) + 1;
  if (count > RANGE_MAX_ITEMS) throw new JsonataFunctionError(`The $range function would create more than ${RANGE_MAX_ITEMS} items`);
  return Array.from({ length: count }, (_, i) => from + i * by);
}

/**
 * Lower-case hex digest of the UTF-8 bytes of `data`.
 *
 * @example
 * hash('abc', 'MD5'); // '900150983cd24fb0d6963f7d28e17f72'
 */
export function hash(data: string, algorithm: string): string {
  if (!Object.hasOwn(HASH_ALGORITHMS, algorithm)) {
    throw new JsonataFunctionError(
      `The hash algorithm '${algorithm}' of the $hash function is not supported; use one of ${Object.keys(HASH_ALGORITHMS).join(', ')}`,
    );
  }
  return createHash(HASH_ALGORITHMS[algorithm as keyof typeof HASH_ALGORITHMS]).update(data, 'utf8').digest('hex');
}

const JAVA_MULTIPLIER = 0x5deece66dn;
const JAVA_ADDEND = 0xbn;
const JAVA_MASK = (1n << 48n) - 1n;

/**
 * `new java.util.Random(seed).nextDouble()`: the same seed always gives the same number, as AWS
 * documents; AWS runs on the JVM, so this is also the likeliest way to give AWS's number
 * (unverified: no recording uses a seed).
 *
 * @example
 * seededRandom(42); // 0.7275636800328681, like new Random(42).nextDouble()
 */
export function seededRandom(seed: number): number {
  let state = (BigInt.asIntN(64, BigInt(toInteger(seed))) ^ JAVA_MULTIPLIER) & JAVA_MASK;
  const next = (bits: bigint): bigint => {
    state = (state * JAVA_MULTIPLIER + JAVA_ADDEND) & JAVA_MASK;
    return state >> (48n - bits);
  };
  const high = next(26n);
  const low = next(27n);
  return Number((high << 27n) + low) / 2 ** 53;
}

/** Parses JSON text; -0 and other JSON numbers come back as JavaScript numbers. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new JsonataFunctionError(`The $parse function could not parse the JSON string: ${text}`);
  }
}

/** Every function registered on a compiled expression, by JSONata name. */
export const AWS_FUNCTIONS: Record<string, FunctionSpec> = {
  partition: {
    signature: '<an:a>',
    implementation(items: unknown[] | undefined, size: number | undefined) {
      if (items === undefined || size === undefined) return undefined;
      return partition(items, size);
    },
  },
  range: {
    signature: '<nnn:a>',
    implementation(start: number | undefined, end: number | undefined, step: number | undefined) {
      if (start === undefined || end === undefined || step === undefined) return undefined;
      return range(start, end, step);
    },
  },
  hash: {
    signature: '<ss:s>',
    implementation(data: string | undefined, algorithm: string | undefined) {
      if (data === undefined || algorithm === undefined) return undefined;
      return hash(data, algorithm);
    },
  },
  random: {
    signature: '<n?:n>',
    implementation(this: jsonata.Focus, seed?: number) {
      return seed === undefined ? callContext(this).env.random() : seededRandom(seed);
    },
  },
  uuid: {
    signature: '<:s>',
    implementation(this: jsonata.Focus) {
      return callContext(this).env.uuid();
    },
  },
  parse: {
    signature: '<s:j>',
    implementation(text: string | undefined) {
      if (text === undefined) return undefined;
      return parseJson(text);
    },
  },
  now: {
    signature: '<s?s?:s>',
    implementation(this: jsonata.Focus, picture?: string, timezone?: string) {
      return formatMillis(nowMs(this), picture, timezone);
    },
  },
  millis: {
    signature: '<:n>',
    implementation(this: jsonata.Focus) {
      return nowMs(this);
    },
  },
};

/** Bindings every evaluation starts from: `$eval` is not available in Step Functions. */
export const REMOVED_FUNCTIONS: Record<string, undefined> = { eval: undefined };

/** Registers {@link AWS_FUNCTIONS} on a freshly compiled expression. */
export function registerAwsFunctions(expression: jsonata.Expression): void {
  for (const [name, spec] of Object.entries(AWS_FUNCTIONS)) {
    expression.registerFunction(name, spec.implementation as (this: jsonata.Focus, ...args: unknown[]) => unknown, spec.signature);
  }
}

/**
 * JSONata 2.0 built-in function names plus AWS's, which {@link jsonataVariableReferences} does not
 * count as variables.
 */
export const FUNCTION_NAMES: ReadonlySet<string> = new Set([
  // JSONata 2.0
  'sum', 'count', 'max', 'min', 'average', 'string', 'substring', 'substringBefore', 'substringAfter',
  'lowercase', 'uppercase', 'length', 'trim', 'pad', 'match', 'contains', 'replace', 'split', 'join',
  'formatNumber', 'formatBase', 'formatInteger', 'parseInteger', 'number', 'floor', 'ceil', 'round',
  'abs', 'sqrt', 'power', 'random', 'boolean', 'not', 'map', 'zip', 'filter', 'single', 'reduce',
  'sift', 'keys', 'lookup', 'append', 'exists', 'spread', 'merge', 'reverse', 'each', 'error',
  'assert', 'type', 'sort', 'shuffle', 'distinct', 'base64encode', 'base64decode',
  'encodeUrlComponent', 'encodeUrl', 'decodeUrlComponent', 'decodeUrl', 'eval', 'toMillis',
  'fromMillis', 'clone', 'now', 'millis',
  // Step Functions
  ...Object.keys(AWS_FUNCTIONS),
]);
