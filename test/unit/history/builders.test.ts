/**
 * History builders: each builds the exact event body GetExecutionHistory serves, members in
 * AWS's order (compared as JSON text, since `toEqual` ignores order and the corpus does not).
 */
import { describe, it, expect } from '@jest/globals';
import * as events from '../../../engine/history/builders.ts';
import { HistoryEventType, enteredDetails, exitedDetails, type HistoryEvent, type HistoryEventBody } from '../../../engine/history/events.ts';

const none = { truncated: false };
const lambdaTask = { resourceType: 'lambda', resource: 'invoke' };

/** The body as its JSON text: equal texts mean equal members in equal order. */
function text(body: HistoryEventBody): string {
  return JSON.stringify(body);
}

describe('execution event builders', () => {
  it.each<[string, HistoryEventBody, object]>([
    ['ExecutionStarted carries the input text and role', events.executionStarted({ input: '{"a":1}', roleArn: 'arn:role' }),
      { type: 'ExecutionStarted', executionStartedEventDetails: { input: '{"a":1}', inputDetails: none, roleArn: 'arn:role' } }],
    ['ExecutionSucceeded carries the output text', events.executionSucceeded({ output: '[1]' }),
      { type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: '[1]', outputDetails: none } }],
    ['ExecutionFailed carries error then cause', events.executionFailed({ cause: 'why', error: 'E' }),
      { type: 'ExecutionFailed', executionFailedEventDetails: { error: 'E', cause: 'why' } }],
    ['ExecutionAborted without error or cause has empty details', events.executionAborted({}),
      { type: 'ExecutionAborted', executionAbortedEventDetails: {} }],
    ['ExecutionTimedOut leaves out an undefined cause', events.executionTimedOut({ error: 'States.Timeout', cause: undefined }),
      { type: 'ExecutionTimedOut', executionTimedOutEventDetails: { error: 'States.Timeout' } }],
    ['ExecutionRedriven counts the redrives', events.executionRedriven({ redriveCount: 2 }),
      { type: 'ExecutionRedriven', executionRedrivenEventDetails: { redriveCount: 2 } }],
  ])('%s', (_, built, expected) => {
    expect(text(built)).toBe(JSON.stringify(expected));
  });
});

describe('state event builders', () => {
  it.each(['Pass', 'Choice', 'Succeed', 'Fail', 'Wait', 'Task', 'Parallel', 'Map'] as const)('%sStateEntered shares stateEnteredEventDetails', (t) => {
    expect(text(events.stateEntered(t, { name: 'S', input: '{}' })))
      .toBe(JSON.stringify({ type: `${t}StateEntered`, stateEnteredEventDetails: { name: 'S', input: '{}', inputDetails: none } }));
  });

  it.each(['Pass', 'Choice', 'Succeed', 'Wait', 'Task', 'Parallel', 'Map'] as const)('%sStateExited shares stateExitedEventDetails', (t) => {
    expect(text(events.stateExited(t, { name: 'S', output: '1' })))
      .toBe(JSON.stringify({ type: `${t}StateExited`, stateExitedEventDetails: { name: 'S', output: '1', outputDetails: none } }));
  });

  it('records assigned variables after the output, with their own details', () => {
    expect(text(events.stateExited('Pass', { name: 'S', output: '1', assignedVariables: { x: '"a"' } }))).toBe(JSON.stringify({
      type: 'PassStateExited',
      stateExitedEventDetails: { name: 'S', output: '1', outputDetails: none, assignedVariables: { x: '"a"' }, assignedVariablesDetails: none },
    }));
  });

  it.each<[string, HistoryEventBody, object]>([
    ['EvaluationFailed orders error, state, cause, location', events.evaluationFailed({ location: 'Parameters', cause: 'c', state: 'S', error: 'States.Runtime' }),
      { type: 'EvaluationFailed', evaluationFailedEventDetails: { error: 'States.Runtime', state: 'S', cause: 'c', location: 'Parameters' } }],
    ['EvaluationFailed leaves out what is absent', events.evaluationFailed({ error: 'E', state: 'S' }),
      { type: 'EvaluationFailed', evaluationFailedEventDetails: { error: 'E', state: 'S' } }],
    ['TaskStateAborted has no details', events.taskStateAborted(), { type: 'TaskStateAborted' }],
  ])('%s', (_, built, expected) => {
    expect(text(built)).toBe(JSON.stringify(expected));
  });
});

describe('Parallel and Map event builders', () => {
  const iteration = { index: 3, name: 'M' };
  it.each<[string, HistoryEventBody, object]>([
    ['ParallelStateStarted', events.parallelStateStarted(), { type: 'ParallelStateStarted' }],
    ['ParallelStateSucceeded', events.parallelStateSucceeded(), { type: 'ParallelStateSucceeded' }],
    ['ParallelStateFailed', events.parallelStateFailed(), { type: 'ParallelStateFailed' }],
    ['MapStateStarted', events.mapStateStarted({ length: 4 }), { type: 'MapStateStarted', mapStateStartedEventDetails: { length: 4 } }],
    ['MapStateSucceeded', events.mapStateSucceeded(), { type: 'MapStateSucceeded' }],
    ['MapStateFailed', events.mapStateFailed(), { type: 'MapStateFailed' }],
    ['MapIterationStarted', events.mapIterationStarted(iteration), { type: 'MapIterationStarted', mapIterationStartedEventDetails: iteration }],
    ['MapIterationSucceeded', events.mapIterationSucceeded(iteration), { type: 'MapIterationSucceeded', mapIterationSucceededEventDetails: iteration }],
    ['MapIterationFailed', events.mapIterationFailed(iteration), { type: 'MapIterationFailed', mapIterationFailedEventDetails: iteration }],
    ['MapIterationAborted', events.mapIterationAborted(iteration), { type: 'MapIterationAborted', mapIterationAbortedEventDetails: iteration }],
    ['MapRunStarted', events.mapRunStarted({ mapRunArn: 'arn:run' }), { type: 'MapRunStarted', mapRunStartedEventDetails: { mapRunArn: 'arn:run' } }],
    ['MapRunSucceeded', events.mapRunSucceeded(), { type: 'MapRunSucceeded' }],
    ['MapRunFailed with a cause', events.mapRunFailed({ error: 'E', cause: 'c' }), { type: 'MapRunFailed', mapRunFailedEventDetails: { error: 'E', cause: 'c' } }],
    ['MapRunFailed without a cause', events.mapRunFailed({ error: 'E', cause: undefined }), { type: 'MapRunFailed', mapRunFailedEventDetails: { error: 'E' } }],
  ])('%s', (_, built, expected) => {
    expect(text(built)).toBe(JSON.stringify(expected));
  });
});

describe('Task event builders', () => {
  it.each<[string, HistoryEventBody, object]>([
    ['TaskScheduled with timeouts', events.taskScheduled({ ...lambdaTask, region: 'us-east-1', parameters: '{}', heartbeatInSeconds: 5, timeoutInSeconds: 10 }),
      { type: 'TaskScheduled', taskScheduledEventDetails: { ...lambdaTask, region: 'us-east-1', parameters: '{}', timeoutInSeconds: 10, heartbeatInSeconds: 5 } }],
    ['TaskScheduled without timeouts', events.taskScheduled({ ...lambdaTask, region: 'us-east-1', parameters: '{}', timeoutInSeconds: undefined }),
      { type: 'TaskScheduled', taskScheduledEventDetails: { ...lambdaTask, region: 'us-east-1', parameters: '{}' } }],
    ['TaskStarted', events.taskStarted(lambdaTask), { type: 'TaskStarted', taskStartedEventDetails: lambdaTask }],
    ['TaskSubmitted', events.taskSubmitted(lambdaTask, { output: '{}' }),
      { type: 'TaskSubmitted', taskSubmittedEventDetails: { ...lambdaTask, output: '{}', outputDetails: none } }],
    ['TaskSucceeded', events.taskSucceeded(lambdaTask, { output: '1' }),
      { type: 'TaskSucceeded', taskSucceededEventDetails: { ...lambdaTask, output: '1', outputDetails: none } }],
    ['TaskFailed', events.taskFailed(lambdaTask, { error: 'E', cause: 'c' }),
      { type: 'TaskFailed', taskFailedEventDetails: { ...lambdaTask, error: 'E', cause: 'c' } }],
    ['TaskTimedOut without a cause', events.taskTimedOut(lambdaTask, { error: 'States.Timeout', cause: undefined }),
      { type: 'TaskTimedOut', taskTimedOutEventDetails: { ...lambdaTask, error: 'States.Timeout' } }],
    ['LambdaFunctionScheduled', events.lambdaFunctionScheduled({ resource: 'arn:fn', input: '{}', timeoutInSeconds: 3 }),
      { type: 'LambdaFunctionScheduled', lambdaFunctionScheduledEventDetails: { resource: 'arn:fn', input: '{}', inputDetails: none, timeoutInSeconds: 3 } }],
    ['LambdaFunctionStarted', events.lambdaFunctionStarted(), { type: 'LambdaFunctionStarted' }],
    ['LambdaFunctionSucceeded', events.lambdaFunctionSucceeded({ output: '2' }),
      { type: 'LambdaFunctionSucceeded', lambdaFunctionSucceededEventDetails: { output: '2', outputDetails: none } }],
    ['LambdaFunctionFailed', events.lambdaFunctionFailed({ error: 'E', cause: 'c' }),
      { type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: { error: 'E', cause: 'c' } }],
    ['LambdaFunctionTimedOut', events.lambdaFunctionTimedOut({ error: 'States.Timeout' }),
      { type: 'LambdaFunctionTimedOut', lambdaFunctionTimedOutEventDetails: { error: 'States.Timeout' } }],
  ])('%s', (_, built, expected) => {
    expect(text(built)).toBe(JSON.stringify(expected));
  });
});

describe('HistoryEventType', () => {
  it('names each type by itself, as AWS spells it', () => {
    for (const [key, value] of Object.entries(HistoryEventType)) expect(value).toBe(key);
  });
});

// ---- type-level: checked by `npm run typecheck`, never run

export function typeLevelChecks(): HistoryEventBody[] {
  return [
    // @ts-expect-error a detail under another type's key
    { type: 'TaskScheduled', taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke' } },
    // @ts-expect-error a misspelt type
    { type: 'TaskSchedulled', taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'r', parameters: '{}' } },
    // @ts-expect-error AWS records no FailStateExited
    events.stateExited('Fail', { name: 'F', output: '{}' }),
    // @ts-expect-error a Task's failure needs its error
    events.taskFailed(lambdaTask, { cause: 'c' }),
  ];
}

describe('reading state events back', () => {
  const stored = (body: HistoryEventBody): HistoryEvent => ({ timestamp: 0, id: 2, previousEventId: 1, ...body });

  it('reads an Entered event of any state type, and nothing from another event', () => {
    expect(enteredDetails(stored(events.stateEntered('Map', { name: 'M', input: '[]' })))?.name).toBe('M');
    expect(enteredDetails(stored(events.stateExited('Map', { name: 'M', output: '[]' })))).toBeUndefined();
  });

  it('reads an Exited event with its assigned variables', () => {
    const exited = stored(events.stateExited('Task', { name: 'T', output: '1', assignedVariables: { v: '2' } }));
    expect(exitedDetails(exited)?.assignedVariables).toEqual({ v: '2' });
    expect(exitedDetails(stored(events.taskStateAborted()))).toBeUndefined();
  });
});
