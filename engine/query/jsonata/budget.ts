/**
 * How much work one JSONata expression may do, and the meter that enforces it.
 *
 * JSONata 2 evaluates with async/await, but an await of a settled value resumes as a microtask:
 * an expression that never ends (`($f := function(){ $f() }; $f())`) would keep the microtask
 * queue busy forever, and no timer, I/O callback or other execution would ever run again. JSONata
 * awaits the function bound to `Symbol.for('jsonata.__evaluate_entry')` before an evaluation step
 * when there is one (its own test-suite timeboxes expressions with it): {@link meterStep} is bound
 * there and hands each evaluation to its {@link EvaluationMeter}, which counts steps, watches the
 * nesting depth, hands the event loop back every few milliseconds, and throws
 * {@link EvaluationBudgetExceeded} once the expression has spent its budget.
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

/** The symbol JSONata looks up before every evaluation step. */
export const EVALUATE_ENTRY = Symbol.for('jsonata.__evaluate_entry');

/**
 * The parts of JSONata's per-evaluation root frame (`environment.base`) the meter uses. JSONata
 * calls `guardrails()` synchronously before every step (a no-op unless its own `timeout`/`stack`
 * options are set), then looks up and awaits the entry callback, walking the frames up to the
 * compiled expression's.
 */
interface RootFrame {
  depth: number;
  guardrails(): void;
  bind(name: string | symbol, value: unknown): void;
}

interface MeteredEnvironment extends jsonata.Environment {
  base: RootFrame;
}

/**
 * One evaluation's spending. Created per evaluation: a compiled expression is shared by
 * concurrent evaluations, the meter is not.
 *
 * An awaited callback on every step would cost a microtask per step, so the meter counts in
 * JSONata's synchronous `guardrails` instead, and binds an entry callback in the evaluation's
 * root frame only for the step that must yield (`undefined` there otherwise, which hides the
 * compiled expression's {@link meterStep}).
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
  private root: RootFrame | undefined;

  /** `signal` stops the evaluation at its next clock check: a runaway need not spend its budget once nobody waits for it. */
  constructor(budget: EvaluationBudget, signal?: AbortSignal) {
    this.limits = budget.limits;
    this.pacer = budget.pacer;
    this.signal = signal;
  }

  /** Takes over JSONata's per-step guardrails for the evaluation whose root frame this is. */
  attach(root: RootFrame): void {
    this.root = root;
    root.guardrails = () => this.step(root.depth);
    this.step(root.depth);
  }

  /**
   * Called before every step, `depth` being JSONata's nesting. Throws
   * {@link EvaluationBudgetExceeded}, or {@link EvaluationAborted} once the signal is aborted;
   * when a slice is spent, makes this step await a yield to the event loop.
   */
  step(depth: number): void {
    if (++this.steps > this.limits.maxSteps) throw new EvaluationBudgetExceeded(BudgetLimit.Steps, this.limits);
    if (depth > this.limits.maxDepth) throw new EvaluationBudgetExceeded(BudgetLimit.Depth, this.limits);
    if ((this.steps & (CLOCK_EVERY - 1)) !== 0) return;
    if (this.signal?.aborted === true) throw new EvaluationAborted();
    const now = this.pacer.now();
    if (this.sliceStart < 0) this.sliceStart = now;
    const slice = now - this.sliceStart;
    if (this.spentMs + slice > this.limits.timeMs) throw new EvaluationBudgetExceeded(BudgetLimit.Time, this.limits);
    if (slice < this.limits.sliceMs) return;
    this.spentMs += slice;
    // JSONata looks the entry callback up right after guardrails: this very step awaits it
    this.root?.bind(EVALUATE_ENTRY, this.yieldOnce);
  }

  private readonly yieldOnce = async (): Promise<void> => {
    this.root?.bind(EVALUATE_ENTRY, undefined);
    await this.pacer.yield();
    this.sliceStart = this.pacer.now();
  };
}

/** Where {@link meterStep} finds the evaluation's meter: a binding no expression can name (it holds a space). */
export const METER = 'longhaul evaluation-meter';

/**
 * JSONata's entry callback, bound once on every compiled expression, so it runs at the first
 * step of every evaluation: it hands the evaluation to its meter (none: the evaluation is not
 * metered) and hides itself for the rest of the evaluation.
 */
export function meterStep(_expr: unknown, _input: unknown, environment: MeteredEnvironment): void {
  const root = environment.base;
  root.bind(EVALUATE_ENTRY, undefined);
  (environment.lookup(METER) as EvaluationMeter | undefined)?.attach(root);
}

/** True for the RangeError V8 throws when the stack overflows: JSONata recursed too deep synchronously. */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}
