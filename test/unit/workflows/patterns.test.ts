/**
 * The pattern builders on their own: what they emit is valid ASL, and the pieces the workflows'
 * tests do not reach (SES notification, long continuation names) behave.
 */
import { describe, it, expect } from '@jest/globals';
import { validateDefinition } from '../../../engine/definition/validate.ts';
import { awaitCallback, continuationName, continueAsNew, jsonata, mergeStates, notify, type AslStates, type Fragment } from '../../../workflows/patterns/index.ts';
import { fakeTasks, testEngines } from '../../support/engine-env.ts';
import { withStartExecution } from './workflow-env.ts';

const testEngine = testEngines();
const SES = 'arn:aws:states:::aws-sdk:sesv2:sendEmail';

function machine(fragment: Fragment, extra: AslStates = {}) {
  return { QueryLanguage: 'JSONata', StartAt: fragment.startAt, States: mergeStates(fragment.states, extra) };
}

describe('patterns', () => {
  it('notify sends an SES e-mail and passes its input through', async () => {
    const tasks = fakeTasks({ [SES]: () => ({ MessageId: 'm-1' }) });
    const env = testEngine({ tasks });
    const definition = machine(
      notify({ name: 'Mail', outcome: 'SUCCEEDED', via: { ses: { from: 'etl@example.com', to: 'ops@example.com', subject: 'Report loaded', body: jsonata("'job ' & $states.input.jobId") } }, next: 'Done' }),
      { Done: { Type: 'Succeed' } },
    );

    const { outcome } = await env.run(definition, { jobId: 'job-9' });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { jobId: 'job-9' } });
    expect(tasks.received[0].parameters).toEqual({
      FromEmailAddress: 'etl@example.com', Destination: { ToAddresses: ['ops@example.com'] },
      Content: { Simple: { Subject: { Data: 'Report loaded' }, Body: { Text: { Data: 'job job-9' } } } },
    });
  });

  it('notify that cannot send goes on to its next state with the failure in $notifyError', async () => {
    const tasks = fakeTasks({ [SES]: () => { throw Object.assign(new Error('address not verified'), { name: 'SESV2.MessageRejectedException' }); } });
    const env = testEngine({ tasks });
    const definition = machine(
      notify({ name: 'Mail', outcome: 'JOB_FAILED', via: { ses: { from: 'a@example.com', to: 'b@example.com', subject: 's', body: 'b' } }, next: 'Done' }),
      { Done: { Type: 'Pass', Output: jsonata('$notifyError'), End: true } },
    );

    const { outcome } = await env.run(definition, {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { Error: 'SESV2.MessageRejectedException', Cause: 'address not verified' } });
  });

  it('awaitCallback routes a lost heartbeat to its fallback with the error in $lastError', async () => {
    const tasks = fakeTasks({ 'arn:aws:states:::lambda:invoke.waitForTaskToken': () => ({}) });
    const env = testEngine({ tasks });
    const definition = machine(
      awaitCallback({ name: 'Ask', functionName: 'arn:aws:lambda:us-east-1:123456789012:function:ask', payload: { q: 1 }, heartbeatSeconds: 60, timeoutSeconds: 600, onTimeout: { next: 'Fallback' }, next: 'Done' }),
      { Fallback: { Type: 'Pass', Output: jsonata('$lastError.Error'), End: true }, Done: { Type: 'Succeed' } },
    );

    const { outcome } = await env.run(definition, {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: 'States.HeartbeatTimeout' });
    expect(env.now() - Date.UTC(2024, 0, 1)).toBe(60_000);
    expect((tasks.received[0].parameters as { Payload: object }).Payload).toEqual({ q: 1, taskToken: tasks.tokens[0] });
  });

  it('continueAsNew names the continuation within the 80 characters AWS allows, however long the first name', async () => {
    const env = withStartExecution(testEngine());
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Route',
      States: mergeStates(
        { Route: { Type: 'Choice', Choices: [{ Condition: jsonata('$exists($states.input.n)'), Next: 'Done' }], Default: 'ContinueAsNew' } },
        continueAsNew({ name: 'ContinueAsNew', input: "{ 'n': 1 }", executionName: continuationName('$states.context.Execution.Name', '12') }).states,
        { Done: { Type: 'Succeed' } },
      ),
    };
    validateDefinition(definition);
    const stateMachineArn = env.create(definition);
    const long = 'x'.repeat(80);

    env.engine.startExecution({ stateMachineArn, name: long, input: '{}' });
    const first = await env.finish(`${stateMachineArn.replace(':stateMachine:', ':execution:')}:${long}`);

    const next = `${'x'.repeat(72)}-c12`;
    expect(first.outcome).toMatchObject({ status: 'SUCCEEDED', output: { continuedAs: expect.stringMatching(new RegExp(`:${next}$`)) } });
    expect(next.length).toBeLessThanOrEqual(80);
  });
});
