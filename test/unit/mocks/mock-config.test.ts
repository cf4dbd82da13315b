import { describe, it, expect } from '@jest/globals';
import { checkMockConfig, mockedResponses, MockConfigError } from '../../../local/mocks/mock-config.ts';
import { fileURLToPath } from 'node:url';
import { detailsOf, eventTypes, eventsOf, fakeTasks, lambdaArn, secondsAfterStart, testEngines } from '../../support/engine-env.ts';

const testEngine = testEngines();
const CHARGE = lambdaArn('charge');

const config = checkMockConfig({
  StateMachines: {
    payments: {
      TestCases: {
        HappyPath: { Charge: 'ChargeOk', Save: 'SaveOk' },
        FlakyThenOk: { Charge: 'ChargeFlaky', Save: 'SaveOk' },
        TableDown: { Save: 'SaveFails' },
      },
    },
  },
  MockedResponses: {
    ChargeOk: { '0': { Return: { charged: 42 } } },
    ChargeFlaky: { '0-1': { Throw: { Error: 'Lambda.TooManyRequestsException', Cause: 'slow down' } }, '2': { Return: { charged: 7 } } },
    SaveOk: { '0': { Return: {} } },
    SaveFails: { '0': { Throw: { Error: 'DynamoDB.AmazonDynamoDBException', Cause: 'table down' } } },
  },
});

const definition = {
  StartAt: 'Charge',
  States: {
    Charge: {
      Type: 'Task', Resource: CHARGE, Next: 'Save',
      Retry: [{ ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 1, MaxAttempts: 3 }],
    },
    Save: {
      Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', Parameters: { TableName: 'payments', Item: {} }, ResultPath: null, End: true,
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }],
    },
    Failed: { Type: 'Fail', Error: 'SaveFailed' },
  },
};

async function runCase(testCase: string | undefined) {
  const calls: string[] = [];
  // no integration for DynamoDB: only a mocked response can answer the Save state
  const env = testEngine({ tasks: fakeTasks({ [CHARGE]: () => (calls.push('real charge'), { charged: 'real' }) }) });
  env.engine.integrations.intercept(mockedResponses(config));
  const sm = env.engine.createStateMachine({ name: 'payments', definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::123456789012:role/r' });
  const { executionArn } = env.engine.startExecution({ stateMachineArn: testCase ? `${sm.arn}#${testCase}` : sm.arn, input: '{}' });
  const result = await env.finish(executionArn);
  return { ...result, calls };
}

describe('mocked responses from a MockConfigFile', () => {
  it('answers a state with its test case response instead of the integration', async () => {
    const { outcome, calls } = await runCase('HappyPath');

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { charged: 42 } });
    expect(calls).toEqual([]);
  });

  it('gives each invocation of a state the response for its number, retries included', async () => {
    const { outcome, history } = await runCase('FlakyThenOk');

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { charged: 7 } });
    expect(eventTypes(history).filter((t) => t === 'LambdaFunctionFailed')).toHaveLength(2);
  });

  it('mocks a service the local stack does not have, with the history AWS would show', async () => {
    const { outcome, history } = await runCase('TableDown');

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'SaveFailed' });
    expect(eventTypes(history)).toContain('TaskFailed');
  });

  it('runs every state for real when the execution names no test case', async () => {
    const { outcome, calls } = await runCase(undefined);

    // the charge ran for real; nothing here answers DynamoDB, so the real Save fails the execution
    expect(calls).toEqual(['real charge']);
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });

  it.each([
    [{}, 'needs the objects'],
    [{ StateMachines: {}, MockedResponses: { R: { first: { Return: 1 } } } }, 'not an invocation number'],
    [{ StateMachines: {}, MockedResponses: { R: { '0': { Return: 1, Throw: {} } } } }, 'exactly one of'],
    [{ StateMachines: { sm: { TestCases: { T: { S: 'Missing' } } } }, MockedResponses: {} }, 'names no MockedResponses entry'],
  ])('rejects a malformed mock config (%j)', (raw, message) => {
    expect(() => checkMockConfig(raw)).toThrow(MockConfigError);
    expect(() => checkMockConfig(raw)).toThrow(message);
  });
});

describe('mocked callback and stand-in tasks', () => {
  const REVIEW = 'arn:aws:states:::ecs:runTask.waitForTaskToken';
  const reviewDefinition = {
    StartAt: 'Review',
    States: { Review: { Type: 'Task', Resource: REVIEW, Parameters: { 'Token.$': '$$.Task.Token' }, End: true } },
  };
  const reviewMocks = {
    StateMachines: { review: { TestCases: { Approved: { Review: 'Approved' } } } },
    MockedResponses: { Approved: { '0': { Return: { approvedBy: 'mock' } } } },
  };
  const approval = fileURLToPath(new URL('../../support/stand-ins/approval.mjs', import.meta.url));

  async function runReview(testCase: string | undefined) {
    const env = testEngine({ mockConfig: reviewMocks, standIns: { 'ecs:runTask.waitForTaskToken': approval } });
    const sm = env.engine.createStateMachine({ name: 'review', definition: JSON.stringify(reviewDefinition), roleArn: 'arn:aws:iam::123456789012:role/r' });
    const { executionArn } = env.engine.startExecution({ stateMachineArn: testCase ? `${sm.arn}#${testCase}` : sm.arn, input: '{}' });
    return env.finish(executionArn);
  }

  it('takes the mock of a .waitForTaskToken task as its result, waiting for no token', async () => {
    const { outcome, history } = await runReview('Approved');

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { approvedBy: 'mock' } });
    expect(secondsAfterStart(history, 'TaskSucceeded')).toEqual([0]);
  });

  it('records the same resourceType and resource for a mocked task as for the one it stands for', async () => {
    const mocked = await runReview('Approved');
    const real = await runReview(undefined);

    const scheduled = (h: typeof mocked.history) => {
      const { resourceType, resource } = detailsOf(eventsOf(h, 'TaskScheduled')[0]);
      return { resourceType, resource };
    };
    expect(real.outcome).toMatchObject({ status: 'SUCCEEDED', output: { approvedBy: 'stand-in' } });
    expect(scheduled(mocked.history)).toEqual({ resourceType: 'ecs', resource: 'runTask.waitForTaskToken' });
    expect(scheduled(real.history)).toEqual(scheduled(mocked.history));
  });
});
