/**
 * How much work one JSONata expression may do, and the meter that enforces it.
 *
 * JSONata 2 evaluates with async/await, but an await of a settled value resumes as a microtask:
 * an expression that never ends (`($f := function(){ $f() }; $f())`) would keep the microtask
 * queue busy forever, and no timer, I/O callback or other execution would ever run again. JSONata
 * awaits the function bound to `Symbol.for('jsonata.__evaluate_entry')` before every evaluation
 * step (its own test-suite timeboxes expressions with it); {@link meterStep} is that function. It
 * counts steps, watches the nesting depth, hands the event loop back every few milliseconds, and
 * throws {@link EvaluationBudgetExceeded} once the expression has spent its budget.
 */
import type jsonata from 'jsonata';

/** The limits of one expression's evaluation. */
export interface EvaluationLimits {
  /**
   * Milliseconds the expression may spend evaluating. Only its own slices count: time it spends
   * yielded to other work (HTTP, timers, other executions) does not.
   */
  timeMs: number;
  /** Evaluation steps (JSONata visits one expression node per step). */
  maxSteps: number;
  /** Nesting of evaluation steps: about three per level of non-tail recursion. */
  maxDepth: number;
  /** Longest stretch of evaluation, in milliseconds, before the event loop runs other work. */
  sliceMs: number;
}

/**
 * Generous for real workflows: JSONata runs about 1.5 to 2 million steps a second here, so a
 * transformation of a hundred thousand items stays far below; an expression that does not end
 * fails in about five seconds, yielding to other work every 5 ms meanwhile.
 */
export const DEFAULT_EVALUATION_LIMITS: EvaluationLimits = {
  timeMs: 5_000,
  maxSteps: 10_000_000,
  maxDepth: 10_000,
  sliceMs: 5,
};

/**
 * What a budget needs from the runtime, which owns the clocks (STYLE rule 4): a monotonic clock
 * for evaluation time, and a way to let the event loop run.
 */
export interface EvaluationPacer {
  /** Monotonic milliseconds (not the engine's clock: a virtual clock does not move while code runs). */
  now(): number;
  /** Resolves once the event loop has run the I/O and timers that were waiting. */
  yield(): Promise<void>;
}

/** The limits and the pacer, as the runtime hands them to every evaluation. */
export interface EvaluationBudget {
  limits: EvaluationLimits;
  pacer: EvaluationPacer;
}

/** Which limit an expression ran into. */
export const BudgetLimit = {
  Time: 'time',
  Steps: 'steps',
  Depth: 'depth',
} as const;
export type BudgetLimit = (typeof BudgetLimit)[keyof typeof BudgetLimit];

/** Thrown out of JSONata when an expression has spent its budget. */
export class EvaluationBudgetExceeded extends Error {
  readonly limit: BudgetLimit;

  constructor(limit: BudgetLimit, limits: Pick<EvaluationLimits, 'timeMs' | 'maxSteps' | 'maxDepth'>, options?: { cause?: unknown }) {
    super(budgetText(limit, limits), options);
    this.name = 'EvaluationBudgetExceeded';
    this.limit = limit;
  }
}

function budgetText(limit: BudgetLimit, limits: Pick<EvaluationLimits, 'timeMs' | 'maxSteps' | 'maxDepth'>): string {
  switch (limit) {
    case BudgetLimit.Time:
      return `it ran for more than ${limits.timeMs} ms`;
    case BudgetLimit.Steps:
      return `it took more than ${limits.maxSteps} evaluation steps`;
    case BudgetLimit.Depth:
      return Number.isFinite(limits.maxDepth)
        ? `it nested deeper than ${limits.maxDepth} levels (check for non-terminating recursion)`
        : 'it nested deeper than the stack allows';
  }
}

/** The clock is read once every this many steps (a power of two, for the mask). */
const CLOCK_EVERY = 128;

/** Thrown out of JSONata when the evaluation's signal is aborted (StopExecution, a failed sibling branch). */
export class EvaluationAborted extends Error {
  constructor() {
    super('the evaluation was aborted');
    this.name = 'EvaluationAborted';
  }
}

/**
 * One evaluation's spending. Created per evaluation: a compiled expression is shared by
 * concurrent evaluations, the meter is not.
 */
export class EvaluationMeter {
  private readonly limits: EvaluationLimits;
  private readonly pacer: EvaluationPacer;
  private readonly signal: AbortSignal | undefined;
  private steps = 0;
  /** evaluation time spent in the slices already ended */
  private spentMs = 0;
  /** when the current slice began; read at the first clock check, so a short expression never reads the clock */
  private sliceStart = -1;

  /** `signal` stops the evaluation at its next clock check: a runaway need not spend its budget once nobody waits for it. */
  constructor(budget: EvaluationBudget, signal?: AbortSignal) {
    this.limits = budget.limits;
    this.pacer = budget.pacer;
    this.signal = signal;
  }

  /**
   * Called before every step, `depth` being JSONata's nesting; returns a promise when the
   * evaluation should let other work run first. Throws {@link EvaluationBudgetExceeded}.
   */
  step(depth: number): Promise<void> | undefined {
    if (++this.steps > this.limits.maxSteps) throw new EvaluationBudgetExceeded(BudgetLimit.Steps, this.limits);
    if (depth > this.limits.maxDepth) throw new EvaluationBudgetExceeded(BudgetLimit.Depth, this.limits);
    if ((this.steps & (CLOCK_EVERY - 1)) !== 0) return undefined;
    if (this.signal?.aborted === true) throw new EvaluationAborted();
    const now = this.pacer.now();
    if (this.sliceStart < 0) this.sliceStart = now;
    const slice = now - this.sliceStart;
    if (this.spentMs + slice > this.limits.timeMs) throw new EvaluationBudgetExceeded(BudgetLimit.Time, this.limits);
    if (slice < this.limits.sliceMs) return undefined;
    this.spentMs += slice;
    return this.pause();
  }

  private async pause(): Promise<void> {
    await this.pacer.yield();
    this.sliceStart = this.pacer.now();
  }
}

/** Where {@link meterStep} finds the evaluation's meter: a binding no expression can name (it holds a space). */
export const METER = 'longhaul evaluation-meter';

/** The symbol JSONata looks up before every evaluation step. */
export const EVALUATE_ENTRY = Symbol.for('jsonata.__evaluate_entry');

/** Where {@link meterStep} keeps the meter it found, on the evaluation's own root frame. */
const METER_SLOT = Symbol('longhaul evaluation-meter');

interface MeteredEnvironment extends jsonata.Environment {
  /** the evaluation's root frame: one per evaluation, as JSONata sets it */
  base: { depth: number; [METER_SLOT]?: EvaluationMeter | null };
}

/**
 * JSONata's entry callback, bound once on every compiled expression; it charges the meter of the
 * evaluation it runs in (none: the evaluation is not metered). The meter is looked up once per
 * evaluation, then read from the root frame: this runs before every step.
 */
export function meterStep(_expr: unknown, _input: unknown, environment: MeteredEnvironment): Promise<void> | undefined {
  const base = environment.base;
  let meter = base[METER_SLOT];
  if (meter === undefined) meter = base[METER_SLOT] = (environment.lookup(METER) as EvaluationMeter | undefined) ?? null;
  return meter?.step(base.depth);
}

/** True for the RangeError V8 throws when the stack overflows: JSONata recursed too deep synchronously. */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}
