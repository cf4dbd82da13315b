/**
 * Step Functions' "Execution Status Change" events: the engine reports each start, end and
 * redrive once committed, and each report becomes the event AWS sends to the default bus.
 */
import { describe, it, expect } from '@jest/globals';
import { testEngines } from '../../../support/engine-env.ts';
import type { ExecutionStatusChange } from '../../../../engine/engine.ts';
import { executionStatusEvent } from '../../../../local/triggers/execution-events.ts';

const testEngine = testEngines();
const FAILS = { StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'Job.Failed', Cause: 'no data' } } };

/** Lets the listeners, called after the commit, run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('execution status changes', () => {
  it('reports an execution\'s start and its end, once each, as the events AWS sends', async () => {
    // Prepare
    const env = testEngine();
    const changes: ExecutionStatusChange[] = [];
    env.engine.onExecutionStatusChange((c) => changes.push(c));

    // Act
    const arn = env.start(FAILS, { job: 1 });
    await env.finish(arn);
    await settle();

    // Assess
    expect(changes.map((c) => c.status)).toEqual(['RUNNING', 'FAILED']);
    const event = executionStatusEvent(changes[1], { account: '123456789012', region: 'us-east-1' });
    expect(event).toMatchObject({
      source: 'aws.states', 'detail-type': 'Step Functions Execution Status Change', resources: [arn],
      detail: {
        executionArn: arn, status: 'FAILED', input: '{"job":1}', output: null, outputDetails: null, error: 'Job.Failed', cause: 'no data',
        startDate: changes[0].startMs, stopDate: expect.any(Number), redriveStatus: 'REDRIVABLE', redriveStatusReason: null,
      },
    });
    expect(executionStatusEvent(changes[0], { account: '123456789012', region: 'us-east-1' }).detail).toMatchObject({ status: 'RUNNING', stopDate: null, output: null });
  });

  it('reports a redrive as RUNNING again, with its redrive count and date', async () => {
    // Prepare
    const env = testEngine();
    const arn = env.start(FAILS);
    await env.finish(arn);
    const changes: ExecutionStatusChange[] = [];
    env.engine.onExecutionStatusChange((c) => changes.push(c));

    // Act
    env.engine.redriveExecution(arn);
    await env.finish(arn);
    await settle();

    // Assess
    expect(changes.map((c) => [c.status, c.redriveCount])).toEqual([['RUNNING', 1], ['FAILED', 1]]);
    expect(changes[0].redriveMs).toEqual(expect.any(Number));
  });

  it('stops reporting once the listener is removed', async () => {
    // Prepare
    const env = testEngine();
    const changes: ExecutionStatusChange[] = [];
    const stop = env.engine.onExecutionStatusChange((c) => changes.push(c));
    stop();

    // Act
    await env.finish(env.start(FAILS));
    await settle();

    // Assess
    expect(changes).toEqual([]);
  });
});
