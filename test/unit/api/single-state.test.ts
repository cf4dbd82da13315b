/**
 * TestState's evaluation of one state through the engine's handlers, without a machine around it:
 * the context object it is given, a Wait that answers at once, the Retry/Catch decision, and the
 * data flow DEBUG shows, computed on the state's own context.
 */
import { describe, it, expect } from '@jest/globals';
import { Engine } from '../../../engine/engine.ts';
import { runSingleState, type SingleStateRequest } from '../../../engine/api/single-state.ts';
import { fakeTasks, lambdaArn, never, testEngines, taskError } from '../../support/engine-env.ts';

const testEngine = testEngines();
const LOAD = lambdaArn('load');

const CONTEXT = {
  Execution: { Id: 'arn:aws:states:us-east-1:123456789012:execution:Orders:run-7', Input: { order: 7 }, Name: 'run-7', StartTime: '2025-01-15T10:30:00.000Z', RoleArn: 'arn:aws:iam::123456789012:role/orders' },
  State: { Name: 'Load', EnteredTime: '2025-01-15T10:30:01.500Z', RetryCount: 2 },
  StateMachine: { Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:Orders', Name: 'Orders' },
};

function request(state: object, extra: Partial<SingleStateRequest> = {}): SingleStateRequest {
  return { definition: JSON.stringify(state), input: '{"n":1}', inspectionLevel: 'INFO', ...extra };
}

describe("TestState's context object", () => {
  it.each<[string, object, object]>([
    ['JSONPath ($$)', { Type: 'Pass', Parameters: { 'execution.$': '$$.Execution.Name', 'retries.$': '$$.State.RetryCount' }, End: true }, { execution: 'run-7', retries: 2 }],
    ['JSONata ($states.context)', { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% {"execution": $states.context.Execution.Name, "machine": $states.context.StateMachine.Name} %}', End: true }, { execution: 'run-7', machine: 'Orders' }],
  ])('is the request\'s context when it gives one, read in %s', async (_language, state, expected) => {
    // Prepare
    const { engine } = testEngine();

    // Act
    const answer = await runSingleState(engine, request(state, { context: CONTEXT }));

    // Assess
    expect(answer.status).toBe('SUCCEEDED');
    expect(JSON.parse(answer.output!)).toEqual(expected);
  });

  it('is otherwise an execution of the state alone, whose input is the state\'s even with variables given', async () => {
    const { engine } = testEngine();
    const state = { Type: 'Pass', Parameters: { 'input.$': '$$.Execution.Input', 'state.$': '$$.State.Name', 'role.$': '$$.Execution.RoleArn' }, End: true };

    const answer = await runSingleState(engine, request(state, { variables: { limit: 3 }, roleArn: 'arn:aws:iam::123456789012:role/tester' }));

    expect(JSON.parse(answer.output!)).toEqual({ input: { n: 1 }, state: 'TestState', role: 'arn:aws:iam::123456789012:role/tester' });
  });

  it('gives a task its token in the context the request gave', async () => {
    const { engine } = testEngine();
    const state = { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { 'token.$': '$$.Task.Token', 'execution.$': '$$.Execution.Id' }, End: true };

    const answer = await runSingleState(engine, request(state, { context: CONTEXT, mock: { result: { MessageId: 'm-1' } }, inspectionLevel: 'DEBUG' }));

    const sent = JSON.parse(answer.inspectionData!.afterParameters as string) as { token: string; execution: string };
    expect(sent.execution).toBe(CONTEXT.Execution.Id);
    expect(sent.token).toMatch(/^[0-9a-f-]{60,}$/);
  });
});

describe('TestState of a Wait', () => {
  it('answers at once on the real clock, with the output and variables it would leave with', async () => {
    // Prepare: a real clock, so that a wait taken would outlast the test
    const engine = new Engine({ database: ':memory:' });
    const state = { Type: 'Wait', SecondsPath: '$.seconds', Assign: { 'waited.$': '$.seconds' }, Next: 'Check' };

    try {
      // Act
      const answer = await runSingleState(engine, request(state, { input: '{"seconds":86400}', inspectionLevel: 'DEBUG' }));

      // Assess
      expect(answer).toMatchObject({ status: 'SUCCEEDED', output: '{"seconds":86400}', nextState: 'Check' });
      expect(JSON.parse(answer.inspectionData!.variables as string)).toEqual({ waited: 86400 });
    } finally {
      engine.close();
    }
  });
});

describe("TestState's Retry and Catch decision", () => {
  const retry = [
    { ErrorEquals: ['Load.Busy'], IntervalSeconds: 1 },
    { ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 3, BackoffRate: 3, MaxDelaySeconds: 20, MaxAttempts: 4 },
  ];

  it.each<[string, number, object]>([
    ['the first back-off', 0, { status: 'RETRIABLE', inspectionData: { errorDetails: { retryIndex: 1, retryBackoffIntervalSeconds: 3 } } }],
    ['a back-off capped by MaxDelaySeconds', 2, { status: 'RETRIABLE', inspectionData: { errorDetails: { retryIndex: 1, retryBackoffIntervalSeconds: 20 } } }],
    ['no retry once MaxAttempts are used up', 4, { status: 'FAILED', error: 'Load.Down', cause: 'disk' }],
  ])('answers %s for a task error the second retrier matches', async (_case, retries, expected) => {
    const { engine } = testEngine();
    const state = { Type: 'Task', Resource: LOAD, Retry: retry, End: true };

    const answer = await runSingleState(engine, request(state, { mock: { errorOutput: { error: 'Load.Down', cause: 'disk' } }, retrierRetryCount: retries }));

    expect(answer).toMatchObject(expected);
  });

  it('never retries States.Runtime, even for a retrier that names it', async () => {
    const { engine } = testEngine();
    const state = { Type: 'Task', Resource: LOAD, TimeoutSecondsPath: '$.missing', Retry: [{ ErrorEquals: ['States.Runtime'] }], End: true };

    const answer = await runSingleState(engine, request(state, { mock: { result: 1 } }));

    expect(answer).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(answer.cause).toMatch(/^An error occurred while executing the state 'TestState' \(entered at the event id #2\)\. The TimeoutSecondsPath parameter/);
  });

  it("answers CAUGHT_ERROR with the catcher's Assign over the error output", async () => {
    const { engine } = testEngine();
    const state = { Type: 'Task', Resource: LOAD, Catch: [{ ErrorEquals: ['Other'], Next: 'A' }, { ErrorEquals: ['States.ALL'], ResultPath: null, Assign: { 'why.$': '$.Cause' }, Next: 'Recover' }], End: true };

    const answer = await runSingleState(engine, request(state, { mock: { errorOutput: { error: 'Load.Down', cause: 'disk' } }, variables: { tries: 1 }, inspectionLevel: 'DEBUG' }));

    expect(answer).toMatchObject({ status: 'CAUGHT_ERROR', output: '{"n":1}', nextState: 'Recover', inspectionData: { errorDetails: { catchIndex: 1 } } });
    expect(JSON.parse(answer.inspectionData!.variables as string)).toEqual({ tries: 1, why: 'disk' });
  });

  it('fails a real task that outlasts five minutes with States.Timeout, which no retrier or catcher handles', async () => {
    const tasks = fakeTasks({ [LOAD]: () => never() });
    const { engine } = testEngine({ tasks });
    const state = { Type: 'Task', Resource: LOAD, Retry: [{ ErrorEquals: ['States.ALL'] }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }], End: true };

    const answer = await runSingleState(engine, request(state));

    expect(answer).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(tasks.received).toHaveLength(1);
  });

  it("catches a real task that outlasts its own TimeoutSeconds as the task's States.Timeout", async () => {
    const tasks = fakeTasks({ [LOAD]: () => never() });
    const { engine } = testEngine({ tasks });
    const state = { Type: 'Task', Resource: LOAD, TimeoutSeconds: 10, Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Recover' }], End: true };

    const answer = await runSingleState(engine, request(state));

    expect(answer).toMatchObject({ status: 'CAUGHT_ERROR', error: 'States.Timeout', nextState: 'Recover' });
  });

  it('answers a real task error with the error the integration raised', async () => {
    const tasks = fakeTasks({ [LOAD]: () => { throw taskError('Load.Full', 'no room'); } });
    const { engine } = testEngine({ tasks });

    const answer = await runSingleState(engine, request({ Type: 'Task', Resource: LOAD, End: true }));

    expect(answer).toMatchObject({ status: 'FAILED', error: 'Load.Full', cause: 'no room' });
  });
});

describe("TestState's data flow at DEBUG", () => {
  it('shows the Parameters the state evaluated: the context object, and the ids it drew', async () => {
    const { engine } = testEngine();
    const state = { Type: 'Pass', Parameters: { 'id.$': 'States.UUID()', 'state.$': '$$.State.Name' }, End: true };

    const answer = await runSingleState(engine, request(state, { inspectionLevel: 'DEBUG' }));

    const output = JSON.parse(answer.output!) as { id: string; state: string };
    expect(output.state).toBe('TestState');
    expect(answer.inspectionData).toMatchObject({ afterParameters: answer.output, result: answer.output, afterResultPath: answer.output });
  });

  it('shows the random numbers a Pass drew in its Parameters as the state saw them', async () => {
    const { engine } = testEngine();
    const state = { Type: 'Pass', Parameters: { 'dice.$': 'States.MathRandom(1, 1000000)' }, End: true };

    const answer = await runSingleState(engine, request(state, { inspectionLevel: 'DEBUG' }));

    expect(answer.status).toBe('SUCCEEDED');
    expect(answer.inspectionData!.afterParameters).toBe(answer.output);
  });

  it("shows a task's ResultSelector with the ids it drew as it completed", async () => {
    const { engine } = testEngine();
    const state = { Type: 'Task', Resource: LOAD, ResultSelector: { 'rows.$': '$.count', 'batch.$': 'States.UUID()' }, ResultPath: '$.load', End: true };

    const answer = await runSingleState(engine, request(state, { mock: { result: { count: 3 } }, inspectionLevel: 'DEBUG' }));

    const output = JSON.parse(answer.output!) as { load: { batch: string } };
    expect(JSON.parse(answer.inspectionData!.afterResultSelector as string)).toEqual(output.load);
    expect(answer.inspectionData!.afterResultPath).toBe(answer.output);
  });
});
