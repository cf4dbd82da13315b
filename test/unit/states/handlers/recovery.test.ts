import { describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../../../../engine/json.ts';
import type { Catcher, QueryLanguage, Retrier, State } from '../../../../engine/definition/types.ts';
import { QueryEvaluationError, ResultPathMatchFailure } from '../../../../engine/errors.ts';
import { caught, recover, type Outcome, type Recovery } from '../../../../engine/states/index.ts';
import { PREFIX, state, stateContext } from './fixtures.ts';

const ARN = 'arn:aws:states:::lambda:invoke';
const task = (Retry?: Retrier[], Catch?: Catcher[]): State => state({ Type: 'Task', Resource: ARN, End: true, Retry, Catch });
const catcher = (fields: Partial<Catcher> = {}): Catcher => ({ ErrorEquals: ['States.ALL'], Next: 'Recovered', ...fields });
/** Jitter that must not be drawn: a test whose state has no JitterStrategy FULL fails if it is. */
const noRandom = (): number => {
  throw new Error('drew a random number without JitterStrategy FULL');
};

describe('recover', () => {
  it.each<[string, Retrier, number[], number]>([
    ['waits IntervalSeconds 1 before the first retry by default', { ErrorEquals: ['E'] }, [], 1_000],
    ['doubles the wait by default (BackoffRate 2)', { ErrorEquals: ['E'] }, [2], 4_000],
    ['waits IntervalSeconds before the first retry', { ErrorEquals: ['E'], IntervalSeconds: 3 }, [], 3_000],
    ['multiplies the wait by BackoffRate at each retry', { ErrorEquals: ['E'], IntervalSeconds: 3, BackoffRate: 1.5 }, [2], 6_750],
    ['keeps the wait with BackoffRate 1', { ErrorEquals: ['E'], IntervalSeconds: 2, BackoffRate: 1 }, [2], 2_000],
    ['caps the wait at MaxDelaySeconds', { ErrorEquals: ['E'], IntervalSeconds: 2, BackoffRate: 3, MaxDelaySeconds: 5 }, [2], 5_000],
    ['keeps a wait under MaxDelaySeconds', { ErrorEquals: ['E'], IntervalSeconds: 2, BackoffRate: 3, MaxDelaySeconds: 5 }, [0], 2_000],
    ['retries as long as MaxAttempts allows', { ErrorEquals: ['E'], MaxAttempts: 10, IntervalSeconds: 1, BackoffRate: 1 }, [9], 1_000],
  ])('%s', (_, retrier, counts, delayMs) => {
    // Act
    const recovery = recover(task([retrier]), 'E', true, counts, noRandom);

    // Assess
    expect(recovery).toEqual({ kind: 'retry', retrier: 0, attempt: (counts[0] ?? 0) + 1, delayMs });
  });

  it.each<[string, Retrier, number]>([
    ['scales the wait by the injected random number with JitterStrategy FULL', { ErrorEquals: ['E'], IntervalSeconds: 4, JitterStrategy: 'FULL' }, 1_000],
    ['jitters the wait after capping it at MaxDelaySeconds', { ErrorEquals: ['E'], IntervalSeconds: 40, MaxDelaySeconds: 8, JitterStrategy: 'FULL' }, 2_000],
  ])('%s', (_, retrier, delayMs) => {
    // Act
    const recovery = recover(task([retrier]), 'E', true, [], () => 0.25);

    // Assess
    expect(recovery).toEqual({ kind: 'retry', retrier: 0, attempt: 1, delayMs });
  });

  it('uses the first retrier whose ErrorEquals matches, counting its own retries', () => {
    // Prepare
    const s = task([{ ErrorEquals: ['A'] }, { ErrorEquals: ['B', 'C'], IntervalSeconds: 5 }]);

    // Act
    const recovery = recover(s, 'C', true, [2, 1], noRandom);

    // Assess
    expect(recovery).toEqual({ kind: 'retry', retrier: 1, attempt: 2, delayMs: 10_000 });
  });

  it.each<[string, Retrier[], number[], Catcher[] | undefined, Recovery]>([
    ['falls to Catch once MaxAttempts (3 by default) is used up', [{ ErrorEquals: ['E'] }], [3], [catcher()], { kind: 'catch', catcher: catcher() }],
    ['falls to Catch at once with MaxAttempts 0', [{ ErrorEquals: ['E'], MaxAttempts: 0 }], [], [catcher()], { kind: 'catch', catcher: catcher() }],
    ['fails once MaxAttempts is used up and nothing catches', [{ ErrorEquals: ['E'], MaxAttempts: 1 }], [1], undefined, { kind: 'fail' }],
    [
      'does not go on to a later matching retrier once the first is used up',
      [{ ErrorEquals: ['E'], MaxAttempts: 1 }, { ErrorEquals: ['States.ALL'] }],
      [1, 0],
      [catcher()],
      { kind: 'catch', catcher: catcher() },
    ],
    ['falls to Catch when no retrier matches', [{ ErrorEquals: ['Other'] }], [], [catcher()], { kind: 'catch', catcher: catcher() }],
    [
      'catches with the first catcher whose ErrorEquals matches',
      [],
      [],
      [catcher({ ErrorEquals: ['Other'], Next: 'X' }), catcher({ ErrorEquals: ['E'], Next: 'Y' }), catcher({ Next: 'Z' })],
      { kind: 'catch', catcher: catcher({ ErrorEquals: ['E'], Next: 'Y' }) },
    ],
    ['fails when neither a retrier nor a catcher matches', [{ ErrorEquals: ['Other'] }], [], [catcher({ ErrorEquals: ['Other'] })], { kind: 'fail' }],
  ])('%s', (_, retriers, counts, catchers, expected) => {
    // Act
    const recovery = recover(task(retriers, catchers), 'E', true, counts, noRandom);

    // Assess
    expect(recovery).toEqual(expected);
  });

  it('fails a state that has neither Retry nor Catch', () => {
    // Act
    const recovery = recover(task(), 'E', true, [], noRandom);

    // Assess
    expect(recovery).toEqual({ kind: 'fail' });
  });

  it.each<[string, string, boolean]>([
    ['a custom error', 'Boom', true],
    ['States.Timeout', 'States.Timeout', true],
    ['States.HeartbeatTimeout', 'States.HeartbeatTimeout', true],
    ['States.TaskFailed', 'States.TaskFailed', true],
    ["an error that is not a task's own", 'States.BranchFailed', false],
  ])('retries %s on States.ALL', (_, error, fromTask) => {
    // Act
    const recovery = recover(task([{ ErrorEquals: ['States.ALL'] }]), error, fromTask, [], noRandom);

    // Assess
    expect(recovery).toMatchObject({ kind: 'retry', retrier: 0 });
  });

  it.each<[string, string, boolean, Recovery['kind']]>([
    ["a task's own error", 'Lambda.Unknown', true, 'retry'],
    ['States.TaskFailed itself', 'States.TaskFailed', true, 'retry'],
    ['States.Timeout', 'States.Timeout', true, 'fail'],
    ['States.HeartbeatTimeout', 'States.HeartbeatTimeout', true, 'fail'],
    ['another States.* error of a task', 'States.Permissions', true, 'fail'],
    ["an error that is not a task's own", 'Lambda.Unknown', false, 'fail'],
  ])('States.TaskFailed decides %s (%s, from a task: %s) as %s', (_, error, fromTask, kind) => {
    // Act
    const recovery = recover(task([{ ErrorEquals: ['States.TaskFailed'] }]), error, fromTask, [], noRandom);

    // Assess
    expect(recovery.kind).toBe(kind);
  });

  it.each<[string, Retrier[], Catcher[]]>([
    ['States.ALL', [{ ErrorEquals: ['States.ALL'] }], [catcher()]],
    ['its own name', [{ ErrorEquals: ['States.Runtime'] }], [catcher({ ErrorEquals: ['States.Runtime'] })]],
    ['States.TaskFailed', [{ ErrorEquals: ['States.TaskFailed'] }], [catcher({ ErrorEquals: ['States.TaskFailed'] })]],
  ])('never retries nor catches States.Runtime, not even on %s', (_, retriers, catchers) => {
    // Act
    const recovery = recover(task(retriers, catchers), 'States.Runtime', true, [], noRandom);

    // Assess
    expect(recovery).toEqual({ kind: 'fail' });
  });

  it('never recovers a Fail state, whatever fields it carries', () => {
    // Prepare
    const s = state<State>({ Type: 'Fail', Error: 'E', Retry: [{ ErrorEquals: ['States.ALL'] }], Catch: [catcher()] });

    // Act
    const recovery = recover(s, 'E', false, [], noRandom);

    // Assess
    expect(recovery).toEqual({ kind: 'fail' });
  });
});

describe('caught', () => {
  const INPUT = { a: 1 };
  const ERROR = { error: 'E', cause: 'C' };

  it.each<[string, QueryLanguage, Catcher, { error: string; cause?: string }, Outcome]>([
    ['goes to Next with the error output', 'JSONPath', catcher(), ERROR, { kind: 'next', next: 'Recovered', output: { Error: 'E', Cause: 'C' }, assigned: null }],
    ['leaves Cause out of an error that has none', 'JSONPath', catcher(), { error: 'E' }, { kind: 'next', next: 'Recovered', output: { Error: 'E' }, assigned: null }],
    ['places the error output with ResultPath', 'JSONPath', catcher({ ResultPath: '$.err' }), ERROR, { kind: 'next', next: 'Recovered', output: { a: 1, err: { Error: 'E', Cause: 'C' } }, assigned: null }],
    ['keeps the input with a null ResultPath', 'JSONPath', catcher({ ResultPath: null }), ERROR, { kind: 'next', next: 'Recovered', output: { a: 1 }, assigned: null }],
    [
      'assigns from the error output',
      'JSONPath',
      catcher({ ResultPath: null, Assign: { 'why.$': '$.Cause', 'limit.$': '$limit' } }),
      ERROR,
      { kind: 'next', next: 'Recovered', output: { a: 1 }, assigned: { why: 'C', limit: 3 } },
    ],
    ['goes to Next with the error output in JSONata', 'JSONata', catcher(), ERROR, { kind: 'next', next: 'Recovered', output: { Error: 'E', Cause: 'C' }, assigned: null }],
    [
      'evaluates Output and Assign over $states.errorOutput and $states.input',
      'JSONata',
      catcher({ Output: '{% $states.errorOutput.Error & ":" & $states.input.a %}', Assign: { why: '{% $states.errorOutput.Cause %}' } }),
      ERROR,
      { kind: 'next', next: 'Recovered', output: 'E:1', assigned: { why: 'C' } },
    ],
  ])('%s (%s)', async (_, ql, c, error, expected) => {
    // Act
    const outcome = await caught(c, INPUT, error, stateContext(ql));

    // Assess
    expect(outcome).toEqual(expected);
  });

  it.each<[string, JsonValue, string]>([
    ['through a field that is not an object', { err: 'text' }, 'Unable to apply ReferencePath $.err.detail to input {"err":"text"}'],
    ['onto an input that is not an object', 5, 'Unable to apply ReferencePath $.err.detail to input 5'],
  ])('fails with States.ResultPathMatchFailure for a ResultPath %s', async (_, input, cause) => {
    // Act
    const outcome = await caught(catcher({ ResultPath: '$.err.detail' }), input, ERROR, stateContext('JSONPath'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(ResultPathMatchFailure);
    expect(outcome.error.causeText).toBe(cause);
  });

  it('fails with States.QueryEvaluationError when an Output expression throws', async () => {
    // Act
    const outcome = await caught(catcher({ Output: '{% $error("boom") %}' }), INPUT, ERROR, stateContext('JSONata'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(QueryEvaluationError);
    expect(outcome.error.causeText).toContain(PREFIX);
    expect(outcome.error.causeText).toContain('boom');
  });
});
