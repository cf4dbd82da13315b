/**
 * Succeed: ends its branch successfully, passing its input on (through InputPath/OutputPath, or
 * Output). At the top level it ends the execution; inside a Parallel branch or a Map iteration it
 * ends only that branch.
 */
import { describe, it, expect } from '@jest/globals';
import { apiError, detailsOf, eventTypes, testEngines } from '../../support/engine-env.ts';

const testEngine = testEngines();

describe('Succeed state', () => {
  it('ends the execution successfully with its input as the output', async () => {
    // Prepare
    const env = testEngine();

    // Act
    const { outcome, history } = await env.run({ StartAt: 'S', States: { S: { Type: 'Succeed' } } }, { done: 1 });

    // Assess
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { done: 1 } });
    expect(eventTypes(history)).toEqual(['ExecutionStarted', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded']);
    expect(detailsOf(history[3])).toEqual({ output: '{"done":1}', outputDetails: { truncated: false } });
  });

  it('stops the execution before any state that would follow it', async () => {
    const env = testEngine();
    const definition = {
      StartAt: 'Check',
      States: {
        Check: { Type: 'Choice', Choices: [{ Variable: '$.skip', BooleanEquals: true, Next: 'Skip' }], Default: 'Work' },
        Skip: { Type: 'Succeed' },
        Work: { Type: 'Pass', Result: 'worked', End: true },
      },
    };

    const { outcome, history } = await env.run(definition, { skip: true });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { skip: true } });
    expect(eventTypes(history)).not.toContain('PassStateEntered');
  });

  it('applies InputPath then OutputPath', async () => {
    const env = testEngine();

    const { outcome } = await env.run(
      { StartAt: 'S', States: { S: { Type: 'Succeed', InputPath: '$.result', OutputPath: '$.value' } } },
      { result: { value: 42, noise: 1 } },
    );

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: 42 });
  });

  it('outputs its JSONata Output', async () => {
    const env = testEngine();

    const { outcome } = await env.run(
      { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Succeed', Output: { count: '{% $count($states.input) %}' } } } },
      [1, 2, 3],
    );

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { count: 3 } });
  });

  it('ends only its own Parallel branch, whose output joins the others', async () => {
    const env = testEngine();
    const definition = {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Done', States: { Done: { Type: 'Succeed', OutputPath: '$.a' } } },
            { StartAt: 'Other', States: { Other: { Type: 'Pass', Result: 'b', End: true } } },
          ],
          Next: 'After',
        },
        After: { Type: 'Pass', End: true },
      },
    };

    const { outcome } = await env.run(definition, { a: 'a' });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: ['a', 'b'] });
  });
});

describe('Succeed definitions CreateStateMachine refuses', () => {
  it.each<[string, object, string]>([
    ['a Succeed with Next', { StartAt: 'S', States: { S: { Type: 'Succeed', Next: 'T' }, T: { Type: 'Succeed' } } }, "Field 'Next' is not supported at /States/S"],
    ['a Succeed with End', { StartAt: 'S', States: { S: { Type: 'Succeed', End: true } } }, "Field 'End' is not supported at /States/S"],
  ])('refuses %s with InvalidDefinition', (_case, definition, diagnostic) => {
    const env = testEngine();

    const refusal = apiError(() => env.create(definition));

    expect(refusal).toEqual({ type: 'InvalidDefinition', message: expect.stringContaining(diagnostic) });
  });
});
