/**
 * The clock and the yield a JSONata evaluation budget runs on (engine/query/jsonata/budget.ts):
 * the query code may not read a clock or schedule anything itself.
 */
import { performance } from 'node:perf_hooks';
import type { EvaluationPacer } from '../query/jsonata/index.ts';
import type { Scheduler } from './clock.ts';

/**
 * Real, monotonic time (an expression's CPU time is real even on a virtual clock), and a yield
 * through `setImmediate`, which runs only after pending I/O and due timers. The yield is open work
 * on `scheduler`: a virtual clock must not jump while an evaluation is merely letting others run.
 *
 * @example
 * const budget = { limits: DEFAULT_EVALUATION_LIMITS, pacer: evaluationPacer(engine.scheduler) };
 */
export function evaluationPacer(scheduler: Scheduler): EvaluationPacer {
  return {
    now: () => performance.now(),
    yield: () =>
      new Promise<void>((resolve) => {
        const done = scheduler.beginWork();
        setImmediate(() => {
          resolve();
          done();
        });
      }),
  };
}
