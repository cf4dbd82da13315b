/**
 * The plain-ASL shapes the pattern builders emit, and what they declare about themselves for the
 * static check (workflows/analyze.ts): a fragment is some states, the state to enter them at, and
 * the loops among them with the most iterations one execution can make of each.
 */

/** One ASL state, as JSON. Builders emit JSONata states (`Arguments`, `Output`, `Assign`). */
export type AslState = { Type: string } & Record<string, unknown>;

/** States by name. */
export type AslStates = Record<string, AslState>;

/**
 * A cycle in the state graph and the most times one execution can go round it. The states are
 * those of one strongly connected component; analyze.ts refuses a cycle nobody declared.
 */
export interface LoopBound {
  states: string[];
  maxIterations: number;
  /** why the bound holds, for the analyze table */
  reason: string;
}

/** What a pattern builder returns: states to merge into a workflow, entered at `startAt`. */
export interface Fragment {
  startAt: string;
  states: AslStates;
  loops: LoopBound[];
}

/** A whole workflow: the definition written to asl/<name>.asl.json, and its declared loops. */
export interface Workflow {
  name: string;
  definition: { Comment: string; QueryLanguage: 'JSONata'; StartAt: string; States: AslStates };
  loops: LoopBound[];
}

/** `{% expression %}`: a JSONata template. */
export function jsonata(expression: string): string {
  return `{% ${expression} %}`;
}

/**
 * Lambda's own transient failures, as Step Functions names them for `lambda:invoke`: the ones AWS
 * recommends retrying. Handler errors are not here: a handler names its transient errors itself.
 */
export const TRANSIENT_LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/**
 * What a handler behind the idempotency layer (handlers/shared/idempotency.ts) fails with when a
 * call with the same key is still running: retried, the later attempt answers the first call's
 * result. Retry it wherever a Lambda with effects is invoked.
 */
export const IDEMPOTENCY_IN_PROGRESS = 'IdempotencyAlreadyInProgressError';

/** Default retrier for transient errors: capped exponential back-off with full jitter. */
export interface TransientRetry {
  errors: readonly string[];
  intervalSeconds?: number;
  maxAttempts?: number;
  backoffRate?: number;
  maxDelaySeconds?: number;
}

/** The `Retry` entry for a transient-error retrier (JitterStrategy FULL). */
export function transientRetry(r: TransientRetry): Record<string, unknown> {
  return {
    ErrorEquals: [...r.errors],
    IntervalSeconds: r.intervalSeconds ?? 2,
    MaxAttempts: r.maxAttempts ?? 3,
    BackoffRate: r.backoffRate ?? 2,
    MaxDelaySeconds: r.maxDelaySeconds ?? 60,
    JitterStrategy: 'FULL',
  };
}

/** Merges fragments' states, refusing a state name used twice (a silent overwrite is a lost state). */
export function mergeStates(...parts: AslStates[]): AslStates {
  const out: AslStates = {};
  for (const part of parts) {
    for (const [name, state] of Object.entries(part)) {
      if (Object.prototype.hasOwnProperty.call(out, name)) throw new Error(`state '${name}' is defined twice`);
      out[name] = state;
    }
  }
  return out;
}
