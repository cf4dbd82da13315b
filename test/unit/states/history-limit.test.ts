/**
 * The 25,000-event history limit: whichever event would pass it, in whichever state or child
 * frame, the execution ends FAILED as AWS ends it: event 25,000 is an ExecutionFailed with
 * States.Runtime and AWS's cause, right after the last real event, and nothing follows it.
 */
import { describe, expect, it } from '@jest/globals';
import { MAX_HISTORY_EVENTS } from '../../../engine/runtime/interpreter.ts';
import { apiError, eventsOf, fakeTasks, lambdaArn, testEngines } from '../../support/engine-env.ts';

const testEngine = testEngines();

const WORK = lambdaArn('work');

/** AWS's own text (ExecutionFailed of an execution that reached the limit). */
const HISTORY_LIMIT_CAUSE = 'The execution reached the maximum number of history events (25000).';

const items = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A Choice that goes back to `loop` until the input has `stop` (it never has). */
const until = (loop: string, check = 'Check') => ({
  [check]: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: `${check}Done` }], Default: loop },
  [`${check}Done`]: { Type: 'Succeed' },
});

const cases: { shape: string; definition: object; input: unknown }[] = [
  {
    shape: 'an inline Map over 7,000 items whose iterator is one Pass state',
    definition: {
      StartAt: 'M',
      States: { M: { Type: 'Map', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } },
    },
    input: items(7000),
  },
  {
    shape: 'an inline Map whose 7,000 iterations wait at once',
    definition: {
      StartAt: 'M',
      States: { M: { Type: 'Map', ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, End: true } } }, End: true } },
    },
    input: items(7000),
  },
  {
    // the Task's five events put every WaitStateExited on an even id: event 25,000 used to be one,
    // and the execution then stayed RUNNING for good
    shape: 'a loop whose 25,000th event is a WaitStateExited',
    definition: {
      StartAt: 'First',
      States: { First: { Type: 'Task', Resource: WORK, Next: 'Loop' }, Loop: { Type: 'Wait', Seconds: 0, Next: 'Check' }, ...until('Loop') },
    },
    input: {},
  },
  {
    shape: 'a loop of Task states',
    definition: { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: WORK, Next: 'Check' }, ...until('Call') } },
    input: {},
  },
  {
    shape: 'a Parallel whose two branches loop',
    definition: {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel', End: true,
          Branches: [
            { StartAt: 'A', States: { A: { Type: 'Wait', Seconds: 1, Next: 'Check' }, ...until('A') } },
            { StartAt: 'B', States: { B: { Type: 'Pass', Next: 'C' }, C: { Type: 'Wait', Seconds: 2, Next: 'CheckB' }, ...until('B', 'CheckB') } },
          ],
        },
      },
    },
    input: {},
  },
];

describe('the history limit', () => {
  it.each(cases)('ends $shape FAILED at event 25,000 with AWS error and cause', async ({ definition, input }) => {
    // Prepare
    const env = testEngine({ tasks: fakeTasks({ [WORK]: () => ({}) }) });

    // Act
    const { outcome, history } = await env.run(definition, input as never);

    // Assess
    expect(outcome).toEqual({ status: 'FAILED', error: 'States.Runtime', cause: HISTORY_LIMIT_CAUSE });
    expect(history).toHaveLength(MAX_HISTORY_EVENTS);
    expect(history.every((e, i) => e.id === i + 1)).toBe(true);
    expect(history.at(-1)).toMatchObject({
      id: 25_000, previousEventId: 24_999, type: 'ExecutionFailed',
      executionFailedEventDetails: { error: 'States.Runtime', cause: HISTORY_LIMIT_CAUSE },
    });
    expect(eventsOf(history, 'ExecutionFailed')).toHaveLength(1);
  });

  it('leaves the engine running other executions', async () => {
    // Prepare
    const env = testEngine();
    await env.run(cases[0].definition, cases[0].input as never);

    // Act
    const { outcome } = await env.run({ StartAt: 'P', States: { P: { Type: 'Pass', Result: 'ok', End: true } } });

    // Assess
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: 'ok' });
  });

  it('is written to the store as FAILED, so DescribeExecution and StopExecution agree with it', async () => {
    // Prepare
    const env = testEngine({ tasks: fakeTasks({ [WORK]: () => ({}) }) });
    const arn = env.start(cases[2].definition, {});

    // Act
    await env.engine.waitFor(arn);

    // Assess
    expect(env.engine.describeExecution(arn)).toMatchObject({ status: 'FAILED', error: 'States.Runtime', cause: HISTORY_LIMIT_CAUSE });
    expect(() => env.engine.stopExecution(arn)).toThrow('Execution Not Running');
  });

  it('leaves an execution it ended not redrivable: a redrive would have no room for its events', async () => {
    // Prepare
    const env = testEngine();
    const { executionArn } = await env.run(cases[0].definition, cases[0].input as never);

    // Act
    const refused = apiError(() => env.engine.redriveExecution(executionArn));

    // Assess
    expect(refused).toEqual({ type: 'ExecutionNotRedrivable', message: `Execution history event limit exceeded: '${executionArn}'` });
  });
});
