/**
 * `arn:aws:states:::states:startExecution` against the engine itself: request-response, `.sync`,
 * `.sync:2` and `.waitForTaskToken`.
 */
import { describe, it, expect } from '@jest/globals';
import { START_MS, eventsOf } from '../../../support/engine-env.ts';
import { causeOf, localEngines, localServices, outputOf } from '../local-env.ts';

const local = localServices();
const localEngine = localEngines(local);

const CHILD_WAITS_AN_HOUR = {
  StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 3600, Next: 'Done' }, Done: { Type: 'Pass', Parameters: { 'got.$': '$.n' }, End: true } },
};
const CHILD_FAILS = { StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'Report.Missing', Cause: 'no rows' } } };

function parent(resource: string, parameters: object, extra: object = {}): object {
  return { StartAt: 'Start', States: { Start: { Type: 'Task', Resource: `arn:aws:states:::states:${resource}`, Parameters: parameters, End: true, ...extra } } };
}

describe('states:startExecution', () => {
  it('starts the child and answers its ExecutionArn and StartDate (epoch ms) without waiting for it', async () => {
    // Prepare
    const env = localEngine();
    const child = env.create(CHILD_WAITS_AN_HOUR);

    // Act
    const { outcome } = await env.run(parent('startExecution', { StateMachineArn: child, Name: 'child-1', Input: { n: 1 } }));

    // Assess
    expect(outcome).toMatchObject({
      status: 'SUCCEEDED',
      output: { ExecutionArn: child.replace(':stateMachine:', ':execution:') + ':child-1', StartDate: START_MS, SdkHttpMetadata: { HttpStatusCode: 200 } },
    });
    expect(env.engine.describeExecution(child.replace(':stateMachine:', ':execution:') + ':child-1').input).toBe('{"n":1}');
  });

  it('waits for the child with .sync:2 and answers DescribeExecution with Input and Output as JSON', async () => {
    const env = localEngine();
    const child = env.create(CHILD_WAITS_AN_HOUR);

    const { outcome, history } = await env.run(parent('startExecution.sync:2', { StateMachineArn: child, Name: 'child-2', Input: { n: 2 } }));

    // the start answer is recorded as TaskSubmitted while the task waits for the child
    expect(history.map((e) => e.type).filter((t) => t.startsWith('Task') && !t.startsWith('TaskState'))).toEqual(['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']);
    expect(outcome).toMatchObject({
      status: 'SUCCEEDED',
      output: {
        Input: { n: 2 }, InputDetails: { Included: true }, Name: 'child-2', Output: { got: 2 }, OutputDetails: { Included: true },
        Status: 'SUCCEEDED', StartDate: START_MS, StopDate: START_MS + 3_600_000, RedriveStatus: 'NOT_REDRIVABLE', StateMachineArn: child,
      },
    });
    expect(env.now() - START_MS).toBe(3_600_000);
  });

  it('answers Input and Output as text with .sync', async () => {
    const env = localEngine();
    const child = env.create(CHILD_WAITS_AN_HOUR);

    const { outcome } = await env.run(parent('startExecution.sync', { StateMachineArn: child, Input: { n: 3 } }));

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { Input: '{"n":3}', Output: '{"got":3}', Status: 'SUCCEEDED' } });
  });

  it('fails with States.TaskFailed when the child fails, its DescribeExecution answer as the cause', async () => {
    const env = localEngine();
    const child = env.create(CHILD_FAILS);

    const { outcome } = await env.run(parent('startExecution.sync:2', { StateMachineArn: child, Name: 'failing' }));

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed' });
    expect(JSON.parse(causeOf(outcome))).toMatchObject({ Status: 'FAILED', Error: 'Report.Missing', Cause: 'no rows', Name: 'failing' });
  });

  it('stops the child when the parent task times out while waiting for it', async () => {
    const env = localEngine();
    const child = env.create(CHILD_WAITS_AN_HOUR);

    const { outcome } = await env.run(parent('startExecution.sync:2', { StateMachineArn: child, Name: 'abandoned' }, { TimeoutSeconds: 60 }));
    await env.idle();

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(env.engine.describeExecution(child.replace(':stateMachine:', ':execution:') + ':abandoned').status).toBe('ABORTED');
  });

  it('waits with .waitForTaskToken until the child sends the token back', async () => {
    // Prepare
    const env = localEngine();
    const child = env.create({
      StartAt: 'Reply',
      States: { Reply: { Type: 'Pass', Parameters: { 'token.$': '$.token' }, End: true } },
    });
    const executionArn = env.start(parent('startExecution.waitForTaskToken', { StateMachineArn: child, Name: 'callback', Input: { 'token.$': '$$.Task.Token' } }));
    await env.idle();

    // Act
    const childArn = child.replace(':stateMachine:', ':execution:') + ':callback';
    const token = outputOf(await env.engine.waitFor(childArn)).token as string;
    env.engine.sendTaskSuccess(token, '{"reply":"ok"}');
    const { outcome, history } = await env.finish(executionArn);

    // Assess
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { reply: 'ok' } });
    expect(eventsOf(history, 'TaskSubmitted')).toHaveLength(1);
  });

  it('fails with StepFunctions.StateMachineDoesNotExistException for an unknown state machine', async () => {
    const env = localEngine();

    const { outcome } = await env.run({
      StartAt: 'Start',
      States: {
        Start: {
          Type: 'Task', Resource: 'arn:aws:states:::states:startExecution', Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:nope' },
          Catch: [{ ErrorEquals: ['StepFunctions.StateMachineDoesNotExistException'], Next: 'Caught' }], End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    });

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { Error: 'StepFunctions.StateMachineDoesNotExistException' } });
    expect(causeOf(outcome)).toMatch(/\(Service: AWSStepFunctions; Status Code: 400; Error Code: StateMachineDoesNotExist; Request ID: [\w-]+; Proxy: null\)$/);
  });
});
