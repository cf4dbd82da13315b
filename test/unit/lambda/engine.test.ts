/**
 * The local Lambda runtime under the engine: Task states of both flavours run their functions in
 * sandbox processes, function errors reach Retry/Catch under AWS's names, callbacks work with
 * `.waitForTaskToken`, duplicate delivery shows in the execution, and a virtual clock stands still
 * while a function runs.
 */
import { describe, it, expect, afterEach } from '@jest/globals';
import type { JsonValue } from '../../../engine/json.ts';
import { Engine } from '../../../engine/engine.ts';
import type { HistoryEvent } from '../../../engine/history/events.ts';
import { VirtualScheduler } from '../../../engine/runtime/clock.ts';
import type { LambdaRuntimeOptions } from '../../../local/lambda/runtime.ts';
import { fixture, lambdaRuntimes, sleep } from './runtimes.ts';

const runtimes = lambdaRuntimes();
const START = Date.UTC(2024, 0, 1);
const ARN = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const engines: Engine[] = [];
afterEach(() => {
  for (const e of engines.splice(0)) e.close();
});

/** An in-memory engine on a virtual clock with a Lambda runtime registered. */
function engineWithRuntime(opts: LambdaRuntimeOptions): { engine: Engine; run(definition: object, input?: JsonValue): string } {
  const scheduler = new VirtualScheduler(START);
  const engine = new Engine({ scheduler });
  engines.push(engine);
  engine.integrations.register(runtimes.create({ scheduler, ...opts }));
  let n = 0;
  return {
    engine,
    run: (definition, input = {}) => {
      const sm = engine.createStateMachine({ name: `m${++n}`, definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::123456789012:role/test' });
      return engine.startExecution({ stateMachineArn: sm.arn, input: JSON.stringify(input) }).executionArn;
    },
  };
}

const types = (history: HistoryEvent[]) => history.map((e) => e.type);
const details = (e: HistoryEvent | undefined) => (e ? (e[Object.keys(e).find((k) => k.endsWith('EventDetails'))!] as Record<string, string>) : undefined);

/** Polls an execution's history (real time, bounded) until an event of `type` shows. */
async function eventOf(engine: Engine, executionArn: string, type: string): Promise<HistoryEvent> {
  for (let i = 0; i < 250; i++) {
    const e = engine.history(executionArn).find((x) => x.type === type);
    if (e) return e;
    await sleep(20);
  }
  throw new Error(`no ${type} event`);
}

describe('Task states through the local Lambda runtime', () => {
  it.each<[string, object, string[], (output: JsonValue) => JsonValue]>([
    [
      'a plain function ARN runs the function and outputs its result',
      { Type: 'Task', Resource: ARN('counter'), End: true },
      ['LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded'],
      (output) => output,
    ],
    [
      'lambda:invoke outputs the Invoke API response with the result as Payload',
      { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'counter', 'Payload.$': '$' }, End: true },
      ['TaskScheduled', 'TaskStarted', 'TaskSucceeded'],
      (output) => (output as { Payload: JsonValue }).Payload,
    ],
  ])('%s', async (_behaviour, task, taskEvents, resultOf) => {
    // Prepare
    const { engine, run } = engineWithRuntime({ functions: { counter: { handler: fixture('counter.ts') } } });

    // Act
    const arn = run({ StartAt: 'Call', States: { Call: task } }, { report: 'q3' });
    const outcome = await engine.waitFor(arn);

    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    expect(resultOf((outcome as { output: JsonValue }).output)).toMatchObject({ language: 'typescript', invocations: 1, event: { report: 'q3' } });
    expect(types(engine.history(arn))).toEqual(['ExecutionStarted', 'TaskStateEntered', ...taskEvents, 'TaskStateExited', 'ExecutionSucceeded']);
  });

  it('fails a task whose function times out with Sandbox.Timedout, which Catch can take', async () => {
    const { engine, run } = engineWithRuntime({ functions: { slow: { handler: fixture('failures.mjs'), timeout: 0.5 } } });

    const arn = run(
      {
        StartAt: 'Call',
        States: {
          Call: { Type: 'Task', Resource: ARN('slow'), Catch: [{ ErrorEquals: ['Sandbox.Timedout'], ResultPath: '$.error', Next: 'TimedOut' }], End: true },
          TimedOut: { Type: 'Pass', End: true },
        },
      },
      { mode: 'hang' },
    );
    const outcome = await engine.waitFor(arn);

    const failed = details(engine.history(arn).find((e) => e.type === 'LambdaFunctionFailed'));
    expect(failed?.error).toBe('Sandbox.Timedout');
    expect(JSON.parse(failed!.cause)).toEqual({ errorMessage: expect.stringMatching(/^RequestId: \S+ Error: Task timed out after 0\.50 seconds$/), errorType: 'Sandbox.Timedout' });
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { mode: 'hang', error: { Error: 'Sandbox.Timedout' } } });
  });

  it('fails the execution with the errorType of a function error and its error payload as cause', async () => {
    const { engine, run } = engineWithRuntime({ functions: { fn: { handler: fixture('failures.mjs') } } });

    const arn = run({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: ARN('fn'), 'Payload.$': '$' }, End: true } } }, { mode: 'throw', report: 'q3' });
    const outcome = await engine.waitFor(arn);

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'ReportNotReady' });
    expect(JSON.parse((outcome as { cause: string }).cause)).toMatchObject({ errorType: 'ReportNotReady', errorMessage: 'report q3 is not ready' });
  });

  it('.waitForTaskToken: the function gets the token in its payload, and the task waits for the callback', async () => {
    const { engine, run } = engineWithRuntime({ functions: { counter: { handler: fixture('counter.mjs') } } });
    const arn = run({
      StartAt: 'Ask',
      States: { Ask: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { FunctionName: 'counter', Payload: { 'token.$': '$$.Task.Token' } }, End: true } },
    });

    const submitted = await eventOf(engine, arn, 'TaskSubmitted');
    const response = JSON.parse(details(submitted)!.output) as { Payload: { event: { token: string } }; StatusCode: number };
    engine.sendTaskSuccess(response.Payload.event.token, '{"approved":true}');
    const outcome = await engine.waitFor(arn);

    expect(response.StatusCode).toBe(200);
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { approved: true } });
  });

  it('duplicate delivery fails the execution of a handler that is not idempotent', async () => {
    const { engine, run } = engineWithRuntime({ duplicateDelivery: true, functions: { charge: { handler: fixture('naive-charge.mjs') } } });

    const arn = run({ StartAt: 'Charge', States: { Charge: { Type: 'Task', Resource: ARN('charge'), End: true } } }, { orderId: 'o-42' });
    const outcome = await engine.waitFor(arn);

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'AlreadyCharged' });
  });

  it('keeps a virtual clock still while a function runs, then skips a Wait at once', async () => {
    const { engine, run } = engineWithRuntime({ functions: { counter: { handler: fixture('counter.mjs') } } });
    const definition = {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: ARN('counter'), Parameters: { holdMs: 300 }, End: true } } },
            { StartAt: 'Hour', States: { Hour: { Type: 'Wait', Seconds: 3600, End: true } } },
          ],
          End: true,
        },
      },
    };

    const started = Date.now();
    const arn = run(definition);
    const outcome = await engine.waitFor(arn);

    const history = engine.history(arn);
    const at = (type: string) => history.find((e) => e.type === type)!.timestamp - START;
    expect(outcome.status).toBe('SUCCEEDED');
    // the function's 300 ms of real work took no virtual time, and the hour-long Wait was skipped after it
    expect(at('LambdaFunctionSucceeded')).toBeLessThan(1000);
    expect(at('WaitStateExited')).toBe(3_600_000);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
