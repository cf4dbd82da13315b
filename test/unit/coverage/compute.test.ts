import { describe, expect, it } from '@jest/globals';
import { belowThreshold, coverageOf, summarize, type DefinitionCoverage } from '../../../engine/coverage/compute.ts';
import type { StateMachineDefinition } from '../../../engine/definition/types.ts';
import { detailsKey, type HistoryEvent } from '../../../engine/history/events.ts';

/** Entered and exited events share their details member, as GetExecutionHistory serves them. */
const keyOf = (type: string) => (type.endsWith('StateEntered') ? 'stateEnteredEventDetails' : type.endsWith('StateExited') ? 'stateExitedEventDetails' : detailsKey(type));

/** One event: its type, its details, and (when not the event just before) the id it follows. */
type Step = [type: string, details?: Record<string, unknown>, previous?: number];

/** A hand-built history: ids from 1, each event following the one before unless told. */
function history(...steps: Step[]): HistoryEvent[] {
  return steps.map(([type, details, previous], i) => ({
    id: i + 1,
    previousEventId: previous ?? i,
    timestamp: i,
    type,
    ...(details ? { [keyOf(type)]: details } : {}),
  }));
}
const entered = (type: string, name: string, previous?: number): Step => [`${type}StateEntered`, { name }, previous];
const exited = (type: string, name: string, previous?: number): Step => [`${type}StateExited`, { name }, previous];
const lambda = (outcome: 'ok' | string, previous?: number): Step[] => [
  ['LambdaFunctionScheduled', { resource: 'fn' }, previous],
  ['LambdaFunctionStarted'],
  outcome === 'ok' ? ['LambdaFunctionSucceeded', { output: '1' }] : ['LambdaFunctionFailed', { error: outcome }],
];
const hitsOf = <T extends { hits: number }>(items: T[], key: (i: T) => string) => Object.fromEntries(items.map((i) => [key(i), i.hits]));

const choiceDef: StateMachineDefinition = {
  StartAt: 'Pick',
  States: {
    Pick: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericEquals: 1, Next: 'One' }, { Variable: '$.n', NumericEquals: 2, Next: 'Two' }], Default: 'Other' },
    One: { Type: 'Succeed' },
    Two: { Type: 'Succeed' },
    Other: { Type: 'Fail', Error: 'Nope' },
  },
};

const taskDef: StateMachineDefinition = {
  StartAt: 'Call',
  States: {
    Call: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
      Retry: [{ ErrorEquals: ['Throttled'] }, { ErrorEquals: ['States.TaskFailed'] }],
      Catch: [{ ErrorEquals: ['Fatal'], Next: 'OnFatal' }, { ErrorEquals: ['States.ALL'], Next: 'OnAny' }],
      End: true,
    },
    OnFatal: { Type: 'Pass', End: true },
    OnAny: { Type: 'Pass', End: true },
  },
};

describe('coverage of states and Choice rules', () => {
  it('counts each state entered and infers the rule taken from the state entered after the Choice', () => {
    // Prepare: one run to Two, one to the default
    const toTwo = history(['ExecutionStarted'], entered('Choice', 'Pick'), exited('Choice', 'Pick'), entered('Succeed', 'Two'), exited('Succeed', 'Two'), ['ExecutionSucceeded']);
    const toDefault = history(['ExecutionStarted'], entered('Choice', 'Pick'), exited('Choice', 'Pick'), entered('Fail', 'Other'), ['ExecutionFailed', { error: 'Nope' }]);

    // Act
    const cov = coverageOf('pick', 'h1', choiceDef, [toTwo, toDefault]);

    // Assess
    expect(cov.executions).toBe(2);
    expect(hitsOf(cov.states, (s) => s.name)).toEqual({ Pick: 2, One: 0, Two: 1, Other: 1 });
    expect(hitsOf(cov.choices, (c) => `${c.rule}->${c.next}`)).toEqual({ '0->One': 0, '1->Two': 1, 'Default->Other': 1 });
    expect(summarize(cov)).toMatchObject({ states: { covered: 3, total: 4 }, choices: { covered: 2, total: 3 } });
  });

  it('credits every rule that names the state entered, since the history cannot tell them apart', () => {
    // Prepare: rules 0 and 1 both lead to Big
    const def: StateMachineDefinition = {
      StartAt: 'Pick',
      States: {
        Pick: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 9, Next: 'Big' }, { Variable: '$.m', NumericGreaterThan: 9, Next: 'Big' }], Default: 'Small' },
        Big: { Type: 'Succeed' },
        Small: { Type: 'Succeed' },
      },
    };
    const h = history(['ExecutionStarted'], entered('Choice', 'Pick'), exited('Choice', 'Pick'), entered('Succeed', 'Big'), exited('Succeed', 'Big'), ['ExecutionSucceeded']);

    // Act
    const cov = coverageOf('pick', 'h', def, [h]);

    // Assess
    expect(cov.choices.map((c) => c.hits)).toEqual([1, 1, 0]);
  });
});

describe('coverage of Retry and Catch', () => {
  it.each([
    ['a named error retried by the retrier that names it', 'Throttled', { 'Call#0': 1, 'Call#1': 0 }],
    ['a task error retried by States.TaskFailed', 'Boom', { 'Call#0': 0, 'Call#1': 1 }],
  ])('credits %s', (_, error, expected) => {
    // Prepare: the first attempt fails with `error`, the retry succeeds
    const h = history(['ExecutionStarted'], entered('Task', 'Call'), ...lambda(error), ...lambda('ok', 5), exited('Task', 'Call'), ['ExecutionSucceeded']);

    // Act
    const cov = coverageOf('call', 'h', taskDef, [h]);

    // Assess
    expect(hitsOf(cov.retriers, (r) => `${r.state}#${r.index}`)).toEqual(expected);
    expect(cov.catchers.every((c) => c.hits === 0)).toBe(true);
  });

  it.each([
    ['Fatal', { 'Call#0->OnFatal': 1, 'Call#1->OnAny': 0 }, 'OnFatal'],
    ['States.Timeout', { 'Call#0->OnFatal': 0, 'Call#1->OnAny': 1 }, 'OnAny'],
  ])('credits the catcher recovery picks for %s', (error, expected, next) => {
    // Prepare: no retrier takes States.Timeout or Fatal... except TaskFailed, which takes neither
    const h = history(['ExecutionStarted'], entered('Task', 'Call'), ['TaskScheduled', { resource: 'x' }], ['TaskFailed', { error }], exited('Task', 'Call'), entered('Pass', next), exited('Pass', next), ['ExecutionSucceeded']);

    // Act
    const cov = coverageOf('call', 'h', taskDef, [h]);

    // Assess
    expect(hitsOf(cov.catchers, (c) => `${c.state}#${c.index}->${c.next}`)).toEqual(expected);
    expect(cov.retriers.every((r) => r.hits === 0)).toBe(true);
  });
});

describe('coverage of branches', () => {
  const def: StateMachineDefinition = {
    StartAt: 'Both',
    States: {
      Both: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'A', States: { A: { Type: 'Fail', Error: 'Oops' } } },
          { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } },
        ],
        Retry: [{ ErrorEquals: ['Oops'], MaxAttempts: 1 }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Each' }],
      },
      Each: { Type: 'Map', ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } }, Next: 'Far' },
      Far: {
        Type: 'Map',
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Child', States: { Child: { Type: 'Pass', Next: 'Done' }, Done: { Type: 'Succeed' } } },
        End: true,
      },
    },
  };

  it('counts Parallel branches, Map iterations and a Parallel retried then caught on the Fail state error inside it', () => {
    // Prepare: Both fails in branch A (Oops), is retried once, fails again and is caught to Each, which iterates twice
    const h = history(
      ['ExecutionStarted'],
      entered('Parallel', 'Both'), // 2
      ['ParallelStateStarted'], // 3
      entered('Fail', 'A'), // 4
      ['ParallelStateStarted', undefined, 4], // 5: the retry
      entered('Fail', 'A'), // 6
      ['ParallelStateFailed'], // 7
      exited('Parallel', 'Both'), // 8
      entered('Map', 'Each'), // 9
      ['MapStateStarted', { length: 2 }], // 10
      ['MapIterationStarted', { index: 0, name: 'Each' }], // 11
      entered('Pass', 'Item'), // 12
      exited('Pass', 'Item'), // 13
      ['MapIterationStarted', { index: 1, name: 'Each' }], // 14
      entered('Pass', 'Item'), // 15
      exited('Pass', 'Item'), // 16
      ['MapStateSucceeded'], // 17
      exited('Map', 'Each', 16), // 18
      ['ExecutionSucceeded'],
    );

    // Act
    const cov = coverageOf('fan', 'h', def, [h]);

    // Assess
    expect(hitsOf(cov.branches, (b) => `${b.state}#${b.index}`)).toEqual({ 'Both#0': 2, 'Both#1': 0, 'Each#0': 2, 'Far#0': 0 });
    expect(cov.retriers.map((r) => r.hits)).toEqual([1]);
    expect(cov.catchers.map((c) => c.hits)).toEqual([1]);
  });

  it('credits the retry of a Parallel to the enclosing one whose Retry takes the error, not the nested one that failed', () => {
    // Prepare: Inner (no Retry) fails on F's Oops; Outer retries it
    const nested: StateMachineDefinition = {
      StartAt: 'Outer',
      States: {
        Outer: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'Inner', States: { Inner: { Type: 'Parallel', Branches: [{ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Oops' } } }], End: true } } }],
          Retry: [{ ErrorEquals: ['Other'] }, { ErrorEquals: ['Oops'], MaxAttempts: 1 }],
          End: true,
        },
      },
    };
    const h = history(
      ['ExecutionStarted'],
      entered('Parallel', 'Outer'), // 2
      ['ParallelStateStarted'], // 3
      entered('Parallel', 'Inner'), // 4
      ['ParallelStateStarted'], // 5
      entered('Fail', 'F'), // 6
      ['ParallelStateStarted'], // 7: Outer's retry
      entered('Parallel', 'Inner'), // 8
      ['ParallelStateStarted'], // 9
      entered('Fail', 'F'), // 10
      ['ExecutionFailed', { error: 'Oops' }],
    );

    // Act
    const cov = coverageOf('nested', 'h', nested, [h]);

    // Assess
    expect(cov.retriers.map((r) => r.hits)).toEqual([0, 1]);
    expect(hitsOf(cov.branches, (b) => b.state)).toEqual({ Outer: 2, Inner: 2 });
  });

  it('counts a Distributed Map child execution towards its Map and the states it entered', () => {
    // Prepare: a child execution's own history, which starts at the processor's StartAt
    const child = history(['ExecutionStarted'], entered('Pass', 'Child'), exited('Pass', 'Child'), entered('Succeed', 'Done'), exited('Succeed', 'Done'), ['ExecutionSucceeded']);

    // Act
    const cov = coverageOf('fan', 'h', def, [child, child]);

    // Assess
    expect(cov.branches.find((b) => b.state === 'Far')).toMatchObject({ kind: 'DistributedMap', hits: 2 });
    expect(hitsOf(cov.states, (s) => s.name)).toMatchObject({ Child: 2, Done: 2, Both: 0 });
  });
});

describe('threshold', () => {
  const half: DefinitionCoverage = coverageOf('pick', 'h', choiceDef, [
    history(['ExecutionStarted'], entered('Choice', 'Pick'), exited('Choice', 'Pick'), entered('Succeed', 'One'), exited('Succeed', 'One'), ['ExecutionSucceeded']),
  ]);

  it.each([
    [0, []],
    [42, []],
    [50, ['pick: 42.9% of 7 items < 50%']],
  ])('at %d%% names the definitions below it', (threshold, expected) => {
    // Pick and One (2 of 4 states) and rule 0 (1 of 3 choices): 3 of 7 items
    expect(belowThreshold([half], threshold)).toEqual(expected);
  });
});
