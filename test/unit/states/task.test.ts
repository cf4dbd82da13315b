/**
 * Task: runs its Resource through a task integration. A plain Lambda ARN shows in history as
 * LambdaFunction* events, a service integration (`arn:aws:states:::service:action`) as Task*
 * events; the result is shaped by ResultSelector → ResultPath → OutputPath, or in JSONata by
 * Output with `$states.result`.
 */
import { describe, it, expect } from '@jest/globals';
import type { JsonObject, JsonValue } from '../../../engine/json.ts';
import {
  apiError, detailsOf, eventTypes, fakeTasks, functionModule, lambdaArn, payloadOf, taskError, testEngines,
} from '../../support/engine-env.ts';

const testEngine = testEngines();

const DOUBLE = lambdaArn('double');
const PUT_ITEM = 'arn:aws:states:::dynamodb:putItem';

function task(fields: object): object {
  return { StartAt: 'T', States: { T: { Type: 'Task', ...fields, End: true } } };
}

describe('Task state with a Lambda function ARN', () => {
  it('passes its input to the function and outputs the function result', async () => {
    // Prepare
    const tasks = fakeTasks({ [DOUBLE]: (p) => ({ value: (p as JsonObject).value as number * 2 }) });
    const env = testEngine({ tasks });

    // Act
    const { outcome } = await env.run(task({ Resource: DOUBLE }), { value: 21 });

    // Assess
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { value: 42 } });
    expect(tasks.received.map((r) => r.parameters)).toEqual([{ value: 21 }]);
  });

  it('records Scheduled, Started and Succeeded LambdaFunction events between TaskStateEntered and TaskStateExited', async () => {
    const env = testEngine({ tasks: fakeTasks({ [DOUBLE]: () => 'ok' }) });

    const { history } = await env.run(task({ Resource: DOUBLE }), { a: 1 });

    expect(eventTypes(history)).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted',
      'LambdaFunctionSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    expect(history.map((e) => e.previousEventId)).toEqual([0, 0, 2, 3, 4, 5, 6]);
    expect(detailsOf(history[2])).toEqual({ resource: DOUBLE, input: '{"a":1}', inputDetails: { truncated: false } });
    expect(detailsOf(history[4])).toEqual({ output: '"ok"', outputDetails: { truncated: false } });
  });

  it('fails the execution with the error and cause the function raised, after LambdaFunctionFailed', async () => {
    const env = testEngine({ tasks: fakeTasks({ [DOUBLE]: () => { throw taskError('OrderInvalid', 'order 42 has no lines'); } }) });

    const { outcome, history } = await env.run(task({ Resource: DOUBLE }), {});

    expect(outcome).toEqual({ status: 'FAILED', error: 'OrderInvalid', cause: 'order 42 has no lines' });
    expect(eventTypes(history).slice(-2)).toEqual(['LambdaFunctionFailed', 'ExecutionFailed']);
    expect(detailsOf(history.at(-2)!)).toEqual({ error: 'OrderInvalid', cause: 'order 42 has no lines' });
  });

  it('runs an ES-module function and reports its thrown error as errorType with a JSON cause', async () => {
    const env = testEngine({ functions: { echo: functionModule('echo'), fail: functionModule('fail') } });
    const definition = {
      StartAt: 'Echo',
      States: {
        Echo: { Type: 'Task', Resource: lambdaArn('echo'), Next: 'Fail' },
        Fail: { Type: 'Task', Resource: lambdaArn('fail'), End: true },
      },
    };

    const { outcome, history } = await env.run(definition, { order: 42 });

    expect(payloadOf(history[4], 'output')).toEqual({ order: 42 });
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'ValidationError' });
    expect(JSON.parse((outcome as { cause: string }).cause)).toMatchObject({ errorType: 'ValidationError', errorMessage: 'order 42 has no lines' });
  });

  it('fails with Lambda.ResourceNotFoundException when the function does not exist', async () => {
    const env = testEngine({ functions: { echo: functionModule('echo') } });

    const { outcome } = await env.run(task({ Resource: lambdaArn('nowhere') }), {});

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'Lambda.ResourceNotFoundException' });
  });
});

describe('Task state with the lambda:invoke integration', () => {
  it('wraps the function result in the Invoke response, under Payload, with StatusCode 200', async () => {
    const env = testEngine({ functions: { echo: functionModule('echo') } });

    const { outcome, history } = await env.run(
      task({ Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'echo', 'Payload.$': '$' } }),
      { n: 1 },
    );

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { Payload: { n: 1 }, StatusCode: 200 } });
    expect(eventTypes(history)).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    expect(detailsOf(history[2])).toEqual({
      resourceType: 'lambda', resource: 'invoke', region: 'us-east-1', parameters: '{"FunctionName":"echo","Payload":{"n":1}}',
    });
  });
});

describe('Task state with a service integration', () => {
  it('records TaskScheduled with the service, action, region and parameters, then TaskStarted and TaskSucceeded', async () => {
    const env = testEngine({ tasks: fakeTasks({ [PUT_ITEM]: () => ({ ConsumedCapacity: 1 }) }) });

    const { history } = await env.run(task({ Resource: PUT_ITEM, Parameters: { TableName: 'orders', 'Item.$': '$' } }), { id: 'o-1' });

    expect(eventTypes(history)).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    expect(detailsOf(history[2])).toEqual({
      resourceType: 'dynamodb', resource: 'putItem', region: 'us-east-1', parameters: '{"TableName":"orders","Item":{"id":"o-1"}}',
    });
    expect(detailsOf(history[3])).toEqual({ resourceType: 'dynamodb', resource: 'putItem' });
    expect(detailsOf(history[4])).toEqual({
      resourceType: 'dynamodb', resource: 'putItem', output: '{"ConsumedCapacity":1}', outputDetails: { truncated: false },
    });
  });

  it('records TaskFailed with the service error and cause', async () => {
    const env = testEngine({
      tasks: fakeTasks({ [PUT_ITEM]: () => { throw taskError('DynamoDB.ConditionalCheckFailedException', 'The conditional request failed'); } }),
    });

    const { outcome, history } = await env.run(task({ Resource: PUT_ITEM }), {});

    expect(outcome).toEqual({ status: 'FAILED', error: 'DynamoDB.ConditionalCheckFailedException', cause: 'The conditional request failed' });
    expect(detailsOf(history.find((e) => e.type === 'TaskFailed')!)).toEqual({
      resourceType: 'dynamodb', resource: 'putItem', error: 'DynamoDB.ConditionalCheckFailedException', cause: 'The conditional request failed',
    });
  });
});

describe('Task results over the payload limit', () => {
  const BIG = lambdaArn('big');
  const bigResult = () => fakeTasks({ [BIG]: () => 'x'.repeat(300 * 1024) });

  it('fails with States.DataLimitExceeded when a task returns more than 256 KiB', async () => {
    const env = testEngine({ tasks: bigResult() });

    const { outcome } = await env.run(task({ Resource: BIG }), {});

    expect(outcome).toEqual({
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
      cause: `The state/task '${BIG}' returned a result with a size exceeding the maximum number of bytes service limit.`,
    });
  });

  it('lets a Catch on States.ALL catch States.DataLimitExceeded from a task result', async () => {
    const env = testEngine({ tasks: bigResult() });
    const definition = {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: BIG, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handle' }], Next: 'Handle' }, Handle: { Type: 'Pass', End: true } },
    };

    const { outcome } = await env.run(definition, {});

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { Error: 'States.DataLimitExceeded' } });
  });

  it('records LambdaFunctionFailed with States.DataLimitExceeded for an oversized result before the state fails', async () => {
    const env = testEngine({ tasks: bigResult() });

    const { history } = await env.run(task({ Resource: BIG }), {});

    expect(eventTypes(history).slice(-3)).toEqual(['LambdaFunctionStarted', 'LambdaFunctionFailed', 'ExecutionFailed']);
    expect(detailsOf(history.at(-2)!)).toMatchObject({ error: 'States.DataLimitExceeded' });
  });
});

describe('Task input and output processing (JSONPath)', () => {
  // the AWS developer guide's example: InputPath, Parameters, ResultSelector, ResultPath, OutputPath in order
  const result = { resourceType: 'elasticmapreduce', resource: 'createCluster.sync', output: { SdkHttpMetadata: { HttpStatusCode: 200 }, ClusterId: 'AKIAIOSFODNN7EXAMPLE' } };

  it.each<[string, object, JsonValue]>([
    ['the result replaces the input by default', {}, result],
    ['ResultSelector picks fields from the result', { ResultSelector: { 'ClusterId.$': '$.output.ClusterId', 'ResourceType.$': '$.resourceType' } }, { ClusterId: 'AKIAIOSFODNN7EXAMPLE', ResourceType: 'elasticmapreduce' }],
    ['ResultPath keeps the input and adds the result', { ResultSelector: { 'id.$': '$.output.ClusterId' }, ResultPath: '$.cluster' }, { comment: 'x', cluster: { id: 'AKIAIOSFODNN7EXAMPLE' } }],
    ['ResultPath null keeps the input unchanged', { ResultPath: null }, { comment: 'x' }],
    ['OutputPath selects from the combined output', { ResultSelector: { 'id.$': '$.output.ClusterId' }, ResultPath: '$.cluster', OutputPath: '$.cluster.id' }, 'AKIAIOSFODNN7EXAMPLE'],
  ])('%s', async (_behaviour, fields, expected) => {
    const env = testEngine({ tasks: fakeTasks({ [DOUBLE]: () => result }) });

    const { outcome } = await env.run(task({ Resource: DOUBLE, ...fields }), { comment: 'x' });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: expected });
  });

  it('sends the task what InputPath and Parameters select, with context object values', async () => {
    const tasks = fakeTasks({ [DOUBLE]: () => null });
    const env = testEngine({ tasks });

    await env.run(
      task({ Resource: DOUBLE, InputPath: '$.order', Parameters: { 'id.$': '$.id', 'execution.$': '$$.Execution.Name', 'retry.$': '$$.State.RetryCount' } }),
      { order: { id: 9 }, noise: true },
    );

    expect(tasks.received[0].parameters).toEqual({ id: 9, execution: 'run-1', retry: 0 });
  });

  it('fails with States.ResultPathMatchFailure when ResultPath cannot be applied to the input', async () => {
    const env = testEngine({ tasks: fakeTasks({ [DOUBLE]: () => 1 }) });

    const { outcome } = await env.run(task({ Resource: DOUBLE, ResultPath: '$.x.y' }), 'not an object');

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.ResultPathMatchFailure' });
  });
});

describe('Task input and output processing (JSONata)', () => {
  it('sends Arguments to the task and shapes the output from $states.result and $states.input', async () => {
    const tasks = fakeTasks({ [DOUBLE]: (p) => ({ doubled: (p as JsonObject).n as number * 2 }) });
    const env = testEngine({ tasks });

    const { outcome } = await env.run(
      {
        QueryLanguage: 'JSONata',
        ...task({ Resource: DOUBLE, Arguments: { n: '{% $states.input.value %}' }, Output: { before: '{% $states.input.value %}', after: '{% $states.result.doubled %}' } }),
      },
      { value: 4 },
    );

    expect(tasks.received[0].parameters).toEqual({ n: 4 });
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { before: 4, after: 8 } });
  });

  it('outputs the task result when it has no Output', async () => {
    const env = testEngine({ tasks: fakeTasks({ [DOUBLE]: () => [1, 2] }) });

    const { outcome } = await env.run({ QueryLanguage: 'JSONata', ...task({ Resource: DOUBLE }) }, { ignored: true });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: [1, 2] });
  });
});

describe('Task definitions CreateStateMachine refuses', () => {
  it.each<[string, object, string]>([
    ['a Task without Resource', { StartAt: 'T', States: { T: { Type: 'Task', End: true } } }, 'These fields are required: [Resource] at /States/T'],
    ['TimeoutSeconds 0', { StartAt: 'T', States: { T: { Type: 'Task', Resource: DOUBLE, TimeoutSeconds: 0, End: true } } }, "The field 'TimeoutSeconds' must be an integer between 1 and 99999999"],
    [
      'HeartbeatSeconds not smaller than TimeoutSeconds',
      { StartAt: 'T', States: { T: { Type: 'Task', Resource: DOUBLE, TimeoutSeconds: 10, HeartbeatSeconds: 10, End: true } } },
      "The field 'HeartbeatSeconds' must be smaller than the field 'TimeoutSeconds'",
    ],
  ])('refuses %s with InvalidDefinition', (_case, definition, diagnostic) => {
    const env = testEngine();

    const refusal = apiError(() => env.create(definition));

    expect(refusal).toEqual({ type: 'InvalidDefinition', message: expect.stringContaining(diagnostic) });
  });
});
