import { describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../../../engine/json.ts';
import {
  BudgetLimit,
  DEFAULT_EVALUATION_LIMITS,
  evaluateTemplate,
  JsonataFailure,
  JsonataFailureReason,
} from '../../../engine/query/jsonata/index.ts';
import type { EvaluationLimits, EvaluationPacer, JsonataEnv } from '../../../engine/query/jsonata/index.ts';
import { bindings, fakeEnv } from './fixtures.ts';

/** A clock that moves `tick` ms at every reading, and a yield that only counts: the tests do not depend on speed. */
function fakePacer(tick = 0): EvaluationPacer & { yields: number } {
  let now = 0;
  const pacer = {
    yields: 0,
    now: () => (now += tick),
    yield: async () => {
      pacer.yields += 1;
    },
  };
  return pacer;
}

/** The real thing: monotonic time and setImmediate, as engine/runtime/pacer.ts gives the engine. */
const realPacer: EvaluationPacer = {
  now: () => performance.now(),
  yield: () => new Promise((resolve) => setImmediate(resolve)),
};

function envWith(limits: Partial<EvaluationLimits>, pacer: EvaluationPacer = fakePacer()): JsonataEnv {
  return { ...fakeEnv(), budget: { limits: { ...DEFAULT_EVALUATION_LIMITS, ...limits }, pacer } };
}

async function failureOf(promise: Promise<unknown>): Promise<JsonataFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof JsonataFailure)) throw new Error(`expected a JsonataFailure, got ${String(error)}`);
  return error;
}

const SMALL = { maxSteps: 20_000, maxDepth: 600, timeMs: 60_000 };

describe('the evaluation budget', () => {
  it.each<[string, string, Partial<EvaluationLimits>, BudgetLimit]>([
    ['a function that calls itself forever', '($f := function(){ $f() }; $f())', SMALL, BudgetLimit.Steps],
    ['a tail-recursive loop', '($loop := function($i){ $loop($i + 1) }; $loop(0))', SMALL, BudgetLimit.Steps],
    ['a non-tail recursion', '($f := function($n){ 1 + $f($n + 1) }; $f(0))', SMALL, BudgetLimit.Depth],
    ['a long loop on a clock that runs out', '($loop := function($i){ $loop($i + 1) }; $loop(0))', { maxSteps: 1e12, timeMs: 50 }, BudgetLimit.Time],
  ])('stops %s with the limit it ran into', async (_, expression, limits, limit) => {
    // Prepare
    const env = envWith(limits, fakePacer(1));

    // Act
    const failure = await failureOf(evaluateTemplate(`{% ${expression} %}`, bindings(), env, 'Output'));

    // Assess
    expect(failure.reason).toBe(JsonataFailureReason.BudgetExceeded);
    expect((failure.cause as { limit?: unknown }).limit).toBe(limit);
  });

  it('fails as States.QueryEvaluationError whose cause says the expression exceeded its evaluation budget', async () => {
    // Prepare
    const env = envWith({ maxSteps: 1_000 });

    // Act
    const failure = await failureOf(evaluateTemplate({ n: '{% ($f := function(){ $f() }; $f()) %}' }, bindings(), env, 'Output'));

    // Assess
    const error = failure.toExecutionError('Spin', 2);
    expect(error.error).toBe('States.QueryEvaluationError');
    expect(error.location).toBe('Output/n');
    expect(error.causeText).toBe(
      "An error occurred while executing the state 'Spin' (entered at the event id #2). " +
        "The JSONata expression '($f := function(){ $f() }; $f())' specified for the field 'Output/n' " +
        'exceeded its evaluation budget: it took more than 1000 evaluation steps.',
    );
  });

  it.each<[BudgetLimit, Partial<EvaluationLimits>, string]>([
    [BudgetLimit.Time, { timeMs: 40, maxSteps: 1e12 }, 'it ran for more than 40 ms'],
    [BudgetLimit.Depth, { maxDepth: 300 }, 'it nested deeper than 300 levels (check for non-terminating recursion)'],
  ])('names the %s limit in the cause', async (_, limits, text) => {
    // Prepare
    const env = envWith(limits, fakePacer(1));

    // Act
    const failure = await failureOf(evaluateTemplate('{% ($f := function($n){ 1 + $f($n + 1) }; $f(0)) %}', bindings(), env, 'Output'));

    // Assess
    expect(failure.detail).toContain(`exceeded its evaluation budget: ${text}.`);
  });

  it('hands the event loop back once a slice of evaluation time is spent', async () => {
    // Prepare: every clock reading is 1 ms later, so a 4 ms slice ends every few readings
    const pacer = fakePacer(1);
    const env = envWith({ sliceMs: 4, maxSteps: 50_000 }, pacer);

    // Act
    await failureOf(evaluateTemplate('{% ($f := function(){ $f() }; $f()) %}', bindings(), env, 'Output'));

    // Assess
    expect(pacer.yields).toBeGreaterThan(10);
  });

  it('counts only the time the expression itself runs, not the time it is yielded', async () => {
    // Prepare: the clock jumps 1 s while yielded, 1 ms per reading otherwise
    let now = 0;
    const pacer: EvaluationPacer = {
      now: () => (now += 1),
      yield: async () => {
        now += 1_000;
      },
    };
    const env = envWith({ sliceMs: 4, timeMs: 100 }, pacer);

    // Act
    const result = await evaluateTemplate('{% $sum($map([1..2000], function($x){ $x })) %}', bindings(), env, 'Output');

    // Assess
    expect(result).toBe(2001000);
  });

  it('lets timers and I/O callbacks run while a runaway expression spins', async () => {
    // Prepare
    const events: string[] = [];
    const env = envWith({ timeMs: 300, maxSteps: 1e12, sliceMs: 2 }, realPacer);

    // Act
    const spinning = failureOf(evaluateTemplate('{% ($loop := function($i){ $loop($i + 1) }; $loop(0)) %}', bindings(), env, 'Output')).then(
      (failure) => events.push(`evaluation ended: ${failure.reason}`),
    );
    setTimeout(() => events.push('timer ran'), 1);
    await spinning;

    // Assess
    expect(events).toEqual(['timer ran', `evaluation ended: ${JsonataFailureReason.BudgetExceeded}`]);
  });

  it('meters each evaluation on its own, so a runaway one does not fail a concurrent one of the same expression', async () => {
    // Prepare
    const expression = '{% ($loop := function($i){ $i >= $states.input.n ? $i : $loop($i + 1) }; $loop(0)) %}';
    const env = envWith({ maxSteps: 5_000 });

    // Act
    const [runaway, bounded] = await Promise.allSettled([
      evaluateTemplate(expression, bindings({ n: 1e9 }), env, 'Output'),
      evaluateTemplate(expression, bindings({ n: 10 }), env, 'Output'),
    ]);

    // Assess
    expect(runaway.status).toBe('rejected');
    expect(bounded).toEqual({ status: 'fulfilled', value: 10 });
  });

  it.each<[string, string, JsonValue]>([
    ['a map over twenty thousand items', '$sum($map([1..20000], function($x){ $x * 2 }))', 400020000],
    ['a recursion a thousand levels deep', '($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(1000))', 1000],
    ['a string built item by item', "$length($join([1..5000].$string(), ','))", 23892],
  ])('leaves room for real work under the default limits: %s', async (_, expression, expected) => {
    // Prepare
    const env = envWith({}, realPacer);

    // Act
    const result = await evaluateTemplate(`{% ${expression} %}`, bindings(), env, 'Output');

    // Assess
    expect(result).toEqual(expected);
  });

  it('turns a stack overflow while converting a result into the depth failure', async () => {
    // Prepare: an object nested far deeper than any stack, built by a loop (no recursion in JSONata)
    const env = envWith({ maxSteps: 1e12 });
    const deep = '$reduce([1..30000], function($acc, $i){ {"a": $acc} }, {})';

    // Act
    const failure = await failureOf(evaluateTemplate(`{% ${deep} %}`, bindings(), env, 'Output'));

    // Assess
    expect(failure.reason).toBe(JsonataFailureReason.BudgetExceeded);
    expect((failure.cause as { limit?: unknown }).limit).toBe(BudgetLimit.Depth);
  });
});
