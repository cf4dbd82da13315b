/**
 * What CreateStateMachine and StartExecution refuse before any state runs: definitions AWS
 * rejects (InvalidDefinition, with AWS's diagnostic codes), execution input that is not JSON
 * (InvalidExecutionInput), and clashing or malformed execution names. Definitions a single state
 * type makes invalid are listed in that state's own test file.
 */
import { describe, it, expect } from '@jest/globals';
import { apiError, apiErrorType, testEngines } from '../../support/engine-env.ts';

const testEngine = testEngines();

const valid = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } };

describe('CreateStateMachine', () => {
  it('refuses a definition that is not JSON with InvalidDefinition and INVALID_JSON_DESCRIPTION', () => {
    // Prepare
    const env = testEngine();

    // Act
    const refusal = apiError(() => env.create('{"StartAt": "A",}'));

    // Assess
    expect(refusal.type).toBe('InvalidDefinition');
    expect(refusal.message).toMatch(/^Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: /);
  });

  it.each<[string, object, string]>([
    ['without StartAt', { States: valid.States }, 'SCHEMA_VALIDATION_FAILED: These fields are required: [StartAt] at /'],
    ['without States', { StartAt: 'A' }, 'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /'],
    ['whose StartAt names no state', { StartAt: 'B', States: valid.States }, "MISSING_TRANSITION_TARGET: Missing 'Next' target: B at /StartAt"],
    ['whose Next names no state', { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' } } }, "MISSING_TRANSITION_TARGET: Missing 'Next' target: B at /States/A/Next"],
    ['with a state neither Next nor End', { StartAt: 'A', States: { A: { Type: 'Pass' } } }, 'SCHEMA_VALIDATION_FAILED: Exactly one of these fields is required: [Next, End] at /States/A'],
    ['with an unknown state Type', { StartAt: 'A', States: { A: { Type: 'Sleep', End: true } } }, "SCHEMA_VALIDATION_FAILED: The field 'Type' should have one of these values"],
    ['with a state nothing reaches', { StartAt: 'A', States: { ...valid.States, B: { Type: 'Pass', End: true } } }, 'MISSING_TRANSITION_TARGET: State "B" is not reachable. at /States/B'],
    ['with a field the state type does not have', { StartAt: 'A', States: { A: { Type: 'Pass', End: true, Seconds: 1 } } }, "SCHEMA_VALIDATION_FAILED: Field 'Seconds' is not supported at /States/A"],
    [
      'with a JSONata field in a JSONPath state',
      { StartAt: 'A', States: { A: { Type: 'Pass', Output: 1, End: true } } },
      "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage at /States/A",
    ],
    [
      'with a JSONPath field in a JSONata state',
      { QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', InputPath: '$.a', End: true } } },
      "The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage at /States/A",
    ],
    [
      'with a JSONata expression that does not parse',
      { QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', Output: '{% $states.input. %}', End: true } } },
      'INVALID_JSONATA_EXPRESSION',
    ],
    [
      'with an unknown intrinsic function',
      { StartAt: 'A', States: { A: { Type: 'Pass', Parameters: { 'x.$': 'States.Nope(1)' }, End: true } } },
      "The value for the field 'x.$' must be a valid JSONPath or a valid intrinsic function call at /States/A/Parameters",
    ],
  ])('refuses a definition %s with InvalidDefinition', (_case, definition, diagnostic) => {
    const env = testEngine();

    const refusal = apiError(() => env.create(definition));

    expect(refusal.type).toBe('InvalidDefinition');
    expect(refusal.message).toContain(diagnostic);
  });


  it('accepts the same definition twice under the same name, and refuses a different one', () => {
    const env = testEngine();
    const create = (definition: object) => env.engine.createStateMachine({ name: 'orders', definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::123456789012:role/r' });
    const first = create(valid);

    expect(create(valid).arn).toBe(first.arn);
    expect(apiErrorType(() => create({ StartAt: 'A', States: { A: { Type: 'Succeed' } } }))).toBe('StateMachineAlreadyExists');
  });
});

describe('StartExecution', () => {
  it.each(['{not json', '{"a":1', "{'a':1}"])('refuses input %j that is not JSON with InvalidExecutionInput', (input) => {
    const env = testEngine();
    const stateMachineArn = env.create(valid);

    expect(apiErrorType(() => env.engine.startExecution({ stateMachineArn, input }))).toBe('InvalidExecutionInput');
  });

  it.each(['"text"', '42', '[1,2]', 'null', '{}'])('accepts any JSON value as input, %s included', async (input) => {
    const env = testEngine();
    const stateMachineArn = env.create(valid);

    const { executionArn } = env.engine.startExecution({ stateMachineArn, input });

    expect(await env.engine.waitFor(executionArn)).toEqual({ status: 'SUCCEEDED', output: JSON.parse(input) });
  });

  it('refuses a state machine that does not exist', () => {
    const env = testEngine();

    expect(apiErrorType(() => env.engine.startExecution({ stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:nope', input: '{}' }))).toBe('StateMachineDoesNotExist');
  });

  it.each(['has space', 'a'.repeat(81), 'slash/name'])('refuses the execution name %j with InvalidName', (name) => {
    const env = testEngine();
    const stateMachineArn = env.create(valid);

    expect(apiErrorType(() => env.engine.startExecution({ stateMachineArn, name, input: '{}' }))).toBe('InvalidName');
  });

  it('refuses a name already used by an execution that has ended', async () => {
    const env = testEngine();
    const stateMachineArn = env.create(valid);
    const { executionArn } = env.engine.startExecution({ stateMachineArn, name: 'once', input: '{}' });
    await env.engine.waitFor(executionArn);

    expect(apiErrorType(() => env.engine.startExecution({ stateMachineArn, name: 'once', input: '{}' }))).toBe('ExecutionAlreadyExists');
  });

  it('returns the running execution again for the same name and input, and refuses the same name with other input', () => {
    const env = testEngine();
    const stateMachineArn = env.create({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } });
    const first = env.engine.startExecution({ stateMachineArn, name: 'job-1', input: '{"a":1}' });

    expect(env.engine.startExecution({ stateMachineArn, name: 'job-1', input: '{"a":1}' }).executionArn).toBe(first.executionArn);
    expect(apiErrorType(() => env.engine.startExecution({ stateMachineArn, name: 'job-1', input: '{"a":2}' }))).toBe('ExecutionAlreadyExists');
  });

  it('keeps the input text as sent in ExecutionStarted', async () => {
    const env = testEngine();
    const stateMachineArn = env.create(valid);
    const input = '{ "b": 2,  "a": 1 }';

    const { executionArn } = env.engine.startExecution({ stateMachineArn, input });
    await env.engine.waitFor(executionArn);

    expect(env.engine.history(executionArn)[0]).toMatchObject({ executionStartedEventDetails: { input } });
  });
});
