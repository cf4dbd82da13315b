/**
 * TestState through the real SFNClient: one state, alone or named in a whole machine, with an
 * input, variables and a mocked result or error, answered with AWS's status, output, error,
 * cause, next state and (at DEBUG) data flow. The client sets `disableHostPrefix`: TestState goes
 * to the `sync-` host prefix.
 */
import { describe, it, expect } from '@jest/globals';
import { TestStateCommand, type TestStateCommandInput, type TestStateCommandOutput } from '@aws-sdk/client-sfn';
import { fakeTasks, lambdaArn } from '../../support/engine-env.ts';
import { apiEnvs, rejection, type ApiEnv } from './api-env.ts';

const apiEnv = apiEnvs();
const LOAD = lambdaArn('load');

async function testState(env: ApiEnv, state: object, input: object, extra: Partial<TestStateCommandInput> = {}): Promise<Omit<TestStateCommandOutput, '$metadata'>> {
  const { $metadata: _, ...answer } = await env.syncSfn.send(new TestStateCommand({ definition: JSON.stringify(state), input: JSON.stringify(input), ...extra }));
  return answer;
}

describe('TestState of states that call nothing', () => {
  it.each<[string, object, object, object]>([
    ['a Pass with Parameters and ResultPath', { Type: 'Pass', Parameters: { 'id.$': '$.order' }, ResultPath: '$.picked', Next: 'Ship' }, { order: 7 },
      { status: 'SUCCEEDED', output: '{"order":7,"picked":{"id":7}}', nextState: 'Ship' }],
    ['a Choice', { Type: 'Choice', Choices: [{ Variable: '$.ready', BooleanEquals: true, Next: 'Load' }], Default: 'Poll' }, { ready: true },
      { status: 'SUCCEEDED', output: '{"ready":true}', nextState: 'Load' }],
    ['a Choice that loops back to itself', { Type: 'Choice', Choices: [{ Variable: '$.ready', BooleanEquals: true, Next: 'Load' }], Default: 'TestState' }, { ready: false },
      { status: 'SUCCEEDED', nextState: 'TestState' }],
    ['an hour-long Wait, at once', { Type: 'Wait', Seconds: 3600, Next: 'Check' }, { n: 1 }, { status: 'SUCCEEDED', output: '{"n":1}', nextState: 'Check' }],
    ['a Succeed', { Type: 'Succeed' }, { n: 1 }, { status: 'SUCCEEDED', output: '{"n":1}' }],
    ['a Fail', { Type: 'Fail', Error: 'Report.Missing', Cause: 'no q3 report' }, {}, { status: 'FAILED', error: 'Report.Missing', cause: 'no q3 report' }],
    ['a Pass whose InputPath finds nothing', { Type: 'Pass', InputPath: '$.missing', End: true }, {}, { status: 'FAILED', error: 'States.Runtime' }],
  ])('runs %s', async (_case, state, input, expected) => {
    // Prepare
    const env = await apiEnv();

    // Act
    const answer = await testState(env, state, input);

    // Assess
    expect(answer).toMatchObject(expected);
    expect(answer.inspectionData).toBeUndefined();
  });

  it('shows the data flow at DEBUG: input, InputPath, Parameters, result, ResultPath', async () => {
    const env = await apiEnv();

    const answer = await testState(env, { Type: 'Pass', InputPath: '$.order', Parameters: { 'id.$': '$.id' }, ResultPath: '$.copy', End: true }, { order: { id: 3 } }, { inspectionLevel: 'DEBUG' });

    expect(answer.inspectionData).toEqual({
      input: '{"order":{"id":3}}', afterInputPath: '{"id":3}', afterParameters: '{"id":3}', result: '{"id":3}',
      afterResultPath: '{"order":{"id":3},"copy":{"id":3}}', variables: '{}',
    });
  });

  it('runs a state with the variables given, and shows them after its Assign', async () => {
    const env = await apiEnv();

    const answer = await testState(env, { Type: 'Pass', Parameters: { 'limit.$': '$limit' }, Assign: { 'next.$': 'States.MathAdd($.limit, 1)' }, End: true }, { n: 2 }, { variables: '{"limit":10}', inspectionLevel: 'DEBUG' });

    expect(answer).toMatchObject({ status: 'SUCCEEDED', output: '{"limit":10}' });
    expect(JSON.parse(answer.inspectionData!.variables!)).toEqual({ limit: 10, next: 11 });
  });

  it('runs the state named by stateName in a whole JSONata machine', async () => {
    const env = await apiEnv();
    const machine = {
      QueryLanguage: 'JSONata', StartAt: 'Start',
      States: { Start: { Type: 'Pass', Next: 'Double' }, Double: { Type: 'Pass', Output: '{% $states.input.n * 2 %}', Assign: { doubled: true }, Next: 'Done' }, Done: { Type: 'Succeed' } },
    };

    const answer = await testState(env, machine, { n: 21 }, { stateName: 'Double', inspectionLevel: 'DEBUG' });

    expect(answer).toMatchObject({ status: 'SUCCEEDED', output: '42', nextState: 'Done' });
    expect(answer.inspectionData).toMatchObject({ input: '{"n":21}', variables: '{"doubled":true}' });
  });
});

describe('TestState of tasks', () => {
  const retry = { Retry: [{ ErrorEquals: ['Load.Busy'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 3 }] };
  const catchAll = { Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Recover' }] };
  const busy = { mock: { errorOutput: { error: 'Load.Busy', cause: 'try later' } } };

  it.each<[string, object, Partial<TestStateCommandInput>, object]>([
    ['a mocked result through ResultSelector and ResultPath', { ResultSelector: { 'rows.$': '$.count' }, ResultPath: '$.load', Next: 'Report' }, { mock: { result: '{"count":120}' } },
      { status: 'SUCCEEDED', output: '{"report":"q3","load":{"rows":120}}', nextState: 'Report' }],
    ['a mocked error that a retrier matches', { ...retry, ...catchAll, End: true }, { ...busy, stateConfiguration: { retrierRetryCount: 1 } },
      { status: 'RETRIABLE', error: 'Load.Busy', cause: 'try later', inspectionData: { errorDetails: { retryIndex: 0, retryBackoffIntervalSeconds: 4 } } }],
    ['a mocked error whose retries are used up, caught', { ...retry, ...catchAll, End: true }, { ...busy, stateConfiguration: { retrierRetryCount: 3 } },
      { status: 'CAUGHT_ERROR', error: 'Load.Busy', cause: 'try later', nextState: 'Recover', output: '{"report":"q3","error":{"Error":"Load.Busy","Cause":"try later"}}', inspectionData: { errorDetails: { catchIndex: 0 } } }],
    ['a mocked error nothing handles', { End: true }, busy, { status: 'FAILED', error: 'Load.Busy', cause: 'try later' }],
    ['a result that ResultPath cannot place, caught', { ResultPath: '$.report.rows', ...catchAll, End: true }, { mock: { result: '1' } },
      { status: 'CAUGHT_ERROR', error: 'States.ResultPathMatchFailure', nextState: 'Recover' }],
  ])('answers %s', async (_case, fields, extra, expected) => {
    const env = await apiEnv();

    const answer = await testState(env, { Type: 'Task', Resource: LOAD, ...fields }, { report: 'q3' }, extra);

    expect(answer).toMatchObject(expected);
  });

  it('calls the real integration once when no mock is given, and shows what it sent and got at DEBUG', async () => {
    const tasks = fakeTasks({ [LOAD]: (p) => ({ loaded: p }) });
    const env = await apiEnv({ tasks });

    const answer = await testState(env, { Type: 'Task', Resource: LOAD, Parameters: { 'report.$': '$.report' }, End: true }, { report: 'q3' }, { inspectionLevel: 'DEBUG' });

    expect(answer).toMatchObject({ status: 'SUCCEEDED', output: '{"loaded":{"report":"q3"}}' });
    expect(answer.inspectionData).toMatchObject({ afterParameters: '{"report":"q3"}', result: '{"loaded":{"report":"q3"}}' });
    expect(tasks.received).toHaveLength(1);
  });

  it('does not call the integration again to find what a catcher makes of its error', async () => {
    const tasks = fakeTasks({ [LOAD]: () => { throw new Error('down'); } });
    const env = await apiEnv({ tasks });

    const answer = await testState(env, { Type: 'Task', Resource: LOAD, ...catchAll, End: true }, { report: 'q3' });

    expect(answer).toMatchObject({ status: 'CAUGHT_ERROR', error: 'Error', cause: 'down', nextState: 'Recover' });
    expect(tasks.received).toHaveLength(1);
  });

  it("runs a mocked task with the request's context object as $$", async () => {
    const env = await apiEnv();
    const context = { Execution: { Name: 'nightly-42' }, State: { Name: 'Load', RetryCount: 1 } };
    const state = { Type: 'Task', Resource: LOAD, Parameters: { 'run.$': '$$.Execution.Name', 'attempt.$': '$$.State.RetryCount' }, ResultPath: null, End: true };

    const answer = await testState(env, state, { report: 'q3' }, { context: JSON.stringify(context), mock: { result: '{}' }, inspectionLevel: 'DEBUG' });

    expect(answer).toMatchObject({ status: 'SUCCEEDED', output: '{"report":"q3"}', inspectionData: { afterParameters: '{"run":"nightly-42","attempt":1}' } });
  });

  it('refuses a context that is not a JSON object', async () => {
    const env = await apiEnv();

    const refused = await rejection(testState(env, { Type: 'Task', Resource: LOAD, End: true }, {}, { context: '[1]', mock: { result: '{}' } }));

    expect(refused).toMatchObject({ name: 'ValidationException', status: 400 });
  });

  it('answers a mocked Map with the mocked result in place of its iterations', async () => {
    const env = await apiEnv();
    const map = { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Pass', End: true } } }, ResultPath: '$.results', End: true };

    const answer = await testState(env, map, { items: [1, 2] }, { mock: { result: '["a","b"]' } });

    expect(answer).toMatchObject({ status: 'SUCCEEDED', output: '{"items":[1,2],"results":["a","b"]}' });
  });
});

describe('TestState refusals', () => {
  it.each<[string, object, Partial<TestStateCommandInput>, string]>([
    ['a mock for a Pass state', { Type: 'Pass', End: true }, { mock: { result: '1' } }, 'ValidationException'],
    ['a Map without a mock', { Type: 'Map', ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Pass', End: true } } }, End: true }, {}, 'ValidationException'],
    ['a callback task without a mock', { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', End: true }, {}, 'ValidationException'],
    ['a state AWS would refuse', { Type: 'Pass', Next: 'A', End: true }, {}, 'InvalidDefinition'],
    ['input that is not JSON', { Type: 'Pass', End: true }, { input: '{oops' }, 'InvalidExecutionInput'],
  ])('refuses %s', async (_case, state, extra, type) => {
    const env = await apiEnv();

    const refused = await rejection(testState(env, state, {}, extra));

    expect(refused).toMatchObject({ name: type, status: 400 });
  });
});
