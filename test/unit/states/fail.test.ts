/**
 * Fail: ends the execution (or its branch) as failed, with an Error name and a Cause text, given
 * literally, through ErrorPath/CausePath, or as JSONata expressions. A Fail state has no
 * FailStateExited event.
 */
import { describe, it, expect } from '@jest/globals';
import type { JsonValue } from '../../../engine/json.ts';
import { apiError, detailsOf, eventTypes, testEngines } from '../../support/engine-env.ts';

const testEngine = testEngines();

function fail(fields: object, queryLanguage?: 'JSONata'): object {
  return { ...(queryLanguage ? { QueryLanguage: queryLanguage } : {}), StartAt: 'F', States: { F: { Type: 'Fail', ...fields } } };
}

describe('Fail state', () => {
  it('fails the execution with its Error and Cause, with no FailStateExited event', async () => {
    // Prepare
    const env = testEngine();

    // Act
    const { outcome, history } = await env.run(fail({ Error: 'OrderRejected', Cause: 'credit limit exceeded' }), {});

    // Assess
    expect(outcome).toEqual({ status: 'FAILED', error: 'OrderRejected', cause: 'credit limit exceeded' });
    expect(eventTypes(history)).toEqual(['ExecutionStarted', 'FailStateEntered', 'ExecutionFailed']);
    expect(history[2].previousEventId).toBe(2);
    expect(detailsOf(history[2])).toEqual({ error: 'OrderRejected', cause: 'credit limit exceeded' });
  });

  it('fails with neither error nor cause when it has neither', async () => {
    const env = testEngine();

    const { outcome, history } = await env.run(fail({}), {});

    expect(outcome).toEqual({ status: 'FAILED' });
    expect(detailsOf(history[2])).toEqual({});
  });

  it.each<[string, object, JsonValue, { error: string; cause: string }]>([
    ['ErrorPath and CausePath read the input', { ErrorPath: '$.e', CausePath: '$.c' }, { e: 'Bad', c: 'why' }, { error: 'Bad', cause: 'why' }],
    [
      'ErrorPath and CausePath accept intrinsic functions',
      { ErrorPath: "States.Format('{}Error', $.kind)", CausePath: "States.Format('order {} failed', $.id)" },
      { kind: 'Payment', id: 7 },
      { error: 'PaymentError', cause: 'order 7 failed' },
    ],
  ])('%s', async (_behaviour, fields, input, expected) => {
    const env = testEngine();

    const { outcome } = await env.run(fail(fields), input);

    expect(outcome).toEqual({ status: 'FAILED', ...expected });
  });

  it('fails with States.Runtime when ErrorPath selects nothing', async () => {
    const env = testEngine();

    const { outcome } = await env.run(fail({ ErrorPath: '$.ErrorX' }), { Error: 'x' });

    expect(outcome).toEqual({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: "An error occurred while executing the state 'F' (entered at the event id #2). The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found in the input '{\"Error\":\"x\"}'",
    });
  });

  it('evaluates JSONata Error and Cause', async () => {
    const env = testEngine();

    const { outcome } = await env.run(
      fail({ Error: '{% $states.input.code %}', Cause: '{% "order " & $string($states.input.id) & " failed" %}' }, 'JSONata'),
      { code: 'Timeout', id: 3 },
    );

    expect(outcome).toEqual({ status: 'FAILED', error: 'Timeout', cause: 'order 3 failed' });
  });

  it('fails a Parallel state whose branch it ends, and a Catch on the Parallel state receives its Error and Cause', async () => {
    const env = testEngine();
    const definition = {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'FailureType', Cause: 'Cause description' } } }],
          Catch: [{ ErrorEquals: ['FailureType'], Next: 'Caught' }],
          Next: 'Final',
        },
        Caught: { Type: 'Pass', End: true },
        Final: { Type: 'Pass', End: true },
      },
    };

    const { outcome, history } = await env.run(definition, {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { Error: 'FailureType', Cause: 'Cause description' } });
    expect(eventTypes(history)).toEqual([
      'ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted', 'FailStateEntered', 'ParallelStateFailed',
      'ParallelStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded',
    ]);
  });
});

describe('Fail definitions CreateStateMachine refuses', () => {
  it.each<[string, object, string]>([
    ['both Error and ErrorPath', { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E', ErrorPath: '$.e' } } }, 'Only one of these fields can be specified: [Error, ErrorPath] at /States/F'],
    ['a Fail with Next', { StartAt: 'F', States: { F: { Type: 'Fail', Next: 'S' }, S: { Type: 'Succeed' } } }, "Field 'Next' is not supported at /States/F"],
  ])('refuses %s with InvalidDefinition', (_case, definition, diagnostic) => {
    const env = testEngine();

    const refusal = apiError(() => env.create(definition));

    expect(refusal).toEqual({ type: 'InvalidDefinition', message: expect.stringContaining(diagnostic) });
  });
});
