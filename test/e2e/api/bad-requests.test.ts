/**
 * Bad requests get AWS-shaped errors (HTTP 400, `__type` and message, `x-amzn-ErrorType`) and
 * leave every execution as it was: a bystander execution waits on its token through each of them,
 * keeps its history unchanged, and still completes when its own token is answered.
 */
import { describe, it, expect } from '@jest/globals';
import {
  CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, SendTaskFailureCommand, SendTaskHeartbeatCommand,
  SendTaskSuccessCommand, StartExecutionCommand, StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { fakeTasks, type FakeTasks } from '../../support/engine-env.ts';
import { ROLE_ARN, apiEnvs, definition, rejection, until, type ApiEnv } from './api-env.ts';

const apiEnv = apiEnvs();
const ASK = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
const CALLBACK = definition({ Ask: { Type: 'Task', Resource: ASK, End: true } });
const TIMES_OUT = definition({ Ask: { Type: 'Task', Resource: ASK, TimeoutSeconds: 5, End: true } });
const MISSING_SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:nope';

interface World {
  env: ApiEnv;
  tasks: FakeTasks;
  stateMachineArn: string;
  /** the execution no bad request may touch */
  bystander: { executionArn: string; token: string };
}

/** Starts an execution of `CALLBACK` (or `def`) and resolves with its ARN and token once it waits. */
async function startWaiting(world: Pick<World, 'env' | 'tasks'>, stateMachineArn: string): Promise<{ executionArn: string; token: string }> {
  const before = world.tasks.tokens.length;
  const { executionArn } = await world.env.sfn.send(new StartExecutionCommand({ stateMachineArn }));
  await until(() => world.tasks.tokens.length > before, 'the task token');
  return { executionArn: executionArn!, token: world.tasks.tokens.at(-1)! };
}

async function world(): Promise<World> {
  const tasks = fakeTasks({ [ASK]: () => ({ MessageId: 'm-1' }) });
  const env = await apiEnv({ tasks });
  const { stateMachineArn } = await env.sfn.send(new CreateStateMachineCommand({ name: 'approval', definition: CALLBACK, roleArn: ROLE_ARN }));
  const bystander = await startWaiting({ env, tasks }, stateMachineArn!);
  return { env, tasks, stateMachineArn: stateMachineArn!, bystander };
}

async function finished(env: ApiEnv, executionArn: string) {
  for (;;) {
    const d = await env.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
  }
}

/** What a refused request answered: the error name (from `__type` or the SDK) and the HTTP status. */
type Refusal = { type: string; status: number | undefined };

/** A raw request; checks that `__type` and `x-amzn-ErrorType` agree. */
async function raw(w: World, target: string, body: string): Promise<Refusal> {
  const { status, json, headers } = await w.env.post(target, body);
  const type = String(json.__type).split('#').at(-1)!;
  expect(headers.get('x-amzn-errortype')).toBe(type);
  expect(typeof json.message).toBe('string');
  return { type, status };
}

/** A request through the SDK, which must reject. */
async function sdk(call: Promise<unknown>): Promise<Refusal> {
  const r = await rejection(call);
  return { type: r.name, status: r.status };
}

describe('a bad request', () => {
  it.each<[string, (w: World) => Promise<Refusal>, string]>([
    ['a malformed JSON body', (w) => raw(w, 'AWSStepFunctions.StartExecution', `{"stateMachineArn": "${w.stateMachineArn}", `), 'SerializationException'],
    ['a JSON body that is not an object', (w) => raw(w, 'AWSStepFunctions.StartExecution', '[1, 2]'), 'SerializationException'],
    ['a member of the wrong type', (w) => raw(w, 'AWSStepFunctions.StartExecution', '{"stateMachineArn": 42}'), 'SerializationException'],
    ['an unknown action', (w) => raw(w, 'AWSStepFunctions.LaunchRockets', '{}'), 'UnknownOperationException'],
    ['a target of another service', (w) => raw(w, 'DynamoDB_20120810.ListTables', '{}'), 'UnknownOperationException'],
    ['a missing required member', (w) => raw(w, 'AWSStepFunctions.StartExecution', '{}'), 'ValidationException'],
    ['an input over 256 KiB', (w) => sdk(w.env.sfn.send(new StartExecutionCommand({ stateMachineArn: w.stateMachineArn, input: JSON.stringify({ pad: 'x'.repeat(256 * 1024) }) }))), 'ValidationException'],
    ['an input that is not JSON', (w) => sdk(w.env.sfn.send(new StartExecutionCommand({ stateMachineArn: w.stateMachineArn, input: '{oops' }))), 'InvalidExecutionInput'],
    ['an execution name with a space', (w) => sdk(w.env.sfn.send(new StartExecutionCommand({ stateMachineArn: w.stateMachineArn, name: 'has space' }))), 'InvalidName'],
    ['a state machine that does not exist', (w) => sdk(w.env.sfn.send(new StartExecutionCommand({ stateMachineArn: MISSING_SM }))), 'StateMachineDoesNotExist'],
    ['an ARN that is not one', (w) => sdk(w.env.sfn.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' }))), 'InvalidArn'],
    ['a state machine ARN where an execution ARN belongs', (w) => sdk(w.env.sfn.send(new StopExecutionCommand({ executionArn: w.stateMachineArn }))), 'InvalidArn'],
    ['an execution that does not exist', (w) => sdk(w.env.sfn.send(new StopExecutionCommand({ executionArn: `${w.bystander.executionArn}-nope` }))), 'ExecutionDoesNotExist'],
    ['a history page token that was never given', (w) => sdk(w.env.sfn.send(new GetExecutionHistoryCommand({ executionArn: w.bystander.executionArn, nextToken: 'forged' }))), 'InvalidToken'],
    ['a forged task token', (w) => sdk(w.env.sfn.send(new SendTaskSuccessCommand({ taskToken: 'forged!token', output: '{}' }))), 'InvalidToken'],
    ['a well-formed task token nobody issued', (w) => sdk(w.env.sfn.send(new SendTaskSuccessCommand({ taskToken: 'a'.repeat(68), output: '{}' }))), 'TaskDoesNotExist'],
    ['a heartbeat with a forged token', (w) => sdk(w.env.sfn.send(new SendTaskHeartbeatCommand({ taskToken: '<script>' }))), 'InvalidToken'],
    ['output that is not JSON, for the bystander itself', (w) => sdk(w.env.sfn.send(new SendTaskSuccessCommand({ taskToken: w.bystander.token, output: '{not json' }))), 'InvalidOutput'],
    ['an output over 256 KiB, for the bystander itself', (w) => sdk(w.env.sfn.send(new SendTaskSuccessCommand({ taskToken: w.bystander.token, output: JSON.stringify('x'.repeat(256 * 1024)) }))), 'ValidationException'],
    ['an error name over 256 characters, for the bystander itself', (w) => sdk(w.env.sfn.send(new SendTaskFailureCommand({ taskToken: w.bystander.token, error: 'E'.repeat(257) }))), 'ValidationException'],
    ['a replayed task token', async (w) => {
      const other = await startWaiting(w, w.stateMachineArn);
      await w.env.sfn.send(new SendTaskSuccessCommand({ taskToken: other.token, output: '1' }));
      await finished(w.env, other.executionArn);
      return sdk(w.env.sfn.send(new SendTaskSuccessCommand({ taskToken: other.token, output: '2' })));
    }, 'TaskDoesNotExist'],
    ['the token of a task that timed out', async (w) => {
      const { stateMachineArn } = await w.env.sfn.send(new CreateStateMachineCommand({ name: 'impatient', definition: TIMES_OUT, roleArn: ROLE_ARN }));
      const other = await startWaiting(w, stateMachineArn!);
      await finished(w.env, other.executionArn);
      return sdk(w.env.sfn.send(new SendTaskFailureCommand({ taskToken: other.token, error: 'Late' })));
    }, 'TaskDoesNotExist'],
    ['the token of an execution that was stopped', async (w) => {
      const other = await startWaiting(w, w.stateMachineArn);
      await w.env.sfn.send(new StopExecutionCommand({ executionArn: other.executionArn }));
      return sdk(w.env.sfn.send(new SendTaskHeartbeatCommand({ taskToken: other.token })));
    }, 'TaskDoesNotExist'],
  ])('answers %s with HTTP 400 and its __type, and harms no execution', async (_case, act, type) => {
    // Prepare
    const w = await world();
    const before = await w.env.sfn.send(new GetExecutionHistoryCommand({ executionArn: w.bystander.executionArn }));

    // Act
    const refusal = await act(w);

    // Assess
    expect(refusal).toEqual({ type, status: 400 });
    const after = await w.env.sfn.send(new GetExecutionHistoryCommand({ executionArn: w.bystander.executionArn }));
    expect(after.events).toEqual(before.events);
    await w.env.sfn.send(new SendTaskSuccessCommand({ taskToken: w.bystander.token, output: '"still fine"' }));
    expect(await finished(w.env, w.bystander.executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '"still fine"' });
  });
});
