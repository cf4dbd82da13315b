/**
 * queue-drain on the engine with an in-memory queue: it drains in batches and stops once the
 * queue stays empty, continues as new executions that carry its counters on, and a failed batch
 * ends the execution FAILED where anyone can see it.
 */
import { describe, it, expect } from '@jest/globals';
import type { JsonObject } from '../../../engine/json.ts';
import { queueDrain, queueDrainWorkerName, QUEUE_DRAIN_DEFAULTS, type QueueDrainOptions } from '../../../workflows/queue-drain.ts';
import { START_MS, taskError, testEngines } from '../../support/engine-env.ts';
import { definitionOf, fakeLambdas, SUBSTITUTIONS, withStartExecution } from './workflow-env.ts';

const testEngine = testEngines();

/** A queue of numbered messages, and the process-batch Lambda draining it; `poison` fails its batch. */
function drainQueue(count: number, poison?: number) {
  const queue = Array.from({ length: count }, (_, i) => i + 1);
  const processed: number[] = [];
  const calls: { at: number; payload: JsonObject }[] = [];
  const tasks = fakeLambdas({
    'process-batch': (p, ctx) => {
      const payload = p as JsonObject;
      calls.push({ at: ctx.now(), payload });
      const batch = queue.slice(0, Number(payload.maxMessages));
      if (poison !== undefined && batch.includes(poison)) throw taskError('QueueDrain.BatchFailed', `1 of ${batch.length} messages failed: ${poison}: order has no lines`);
      queue.splice(0, batch.length);
      processed.push(...batch);
      return { received: batch.length, processed: batch.length, failed: 0, drained: batch.length < Number(payload.maxMessages), undeleted: 0 };
    },
  });
  return { tasks, processed, calls, queue };
}

async function startWorker(count: number, options: QueueDrainOptions = {}, poison?: number) {
  const q = drainQueue(count, poison);
  const env = withStartExecution(testEngine({ tasks: q.tasks }));
  const stateMachineArn = env.create(definitionOf(queueDrain(options)));
  const arnOf = (name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  env.engine.startExecution({ stateMachineArn, name: queueDrainWorkerName(1), input: '{}' });
  return { env, ...q, arnOf, first: await env.finish(arnOf('worker-1')) };
}

describe('queue-drain', () => {
  it('drains the queue in batches and stops after the queue stays empty for its empty polls', async () => {
    // Prepare / Act
    const { env, first, processed, calls } = await startWorker(25);

    // Assess
    expect(first.outcome).toEqual({ status: 'SUCCEEDED', output: { worker: 'worker-1', processed: 25, generation: 0 } });
    expect(processed).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    // one idempotency key per batch, so a duplicated invocation answers its batch instead of taking another
    expect(calls.map((c) => c.payload)).toEqual([0, 1, 2, 3, 4, 5].map((n) => ({ queueUrl: SUBSTITUTIONS.DrainQueueUrl, maxMessages: 10, idempotencyKey: `worker-1/ProcessBatch/${n}` })));
    // three full-or-partial batches back to back, then three empty polls a wait apart
    expect(calls.map((c) => (c.at - START_MS) / 1000)).toEqual([0, 0, 0, 0, 20, 40]);
    expect(env.now() - START_MS).toBe(2 * QUEUE_DRAIN_DEFAULTS.emptyWaitSeconds * 1000);
  });

  it('continues as new executions before its batch bound, carrying its counters, each message processed once', async () => {
    const { env, first, processed, arnOf } = await startWorker(45, { batchSize: 10, maxBatchesPerExecution: 2 });

    const rest = [];
    for (const name of ['worker-1-c1', 'worker-1-c2', 'worker-1-c3']) rest.push((await env.finish(arnOf(name))).outcome);

    expect(first.outcome).toEqual({ status: 'SUCCEEDED', output: { continuedAs: arnOf('worker-1-c1') } });
    expect(rest.slice(0, 2)).toEqual([
      { status: 'SUCCEEDED', output: { continuedAs: arnOf('worker-1-c2') } },
      { status: 'SUCCEEDED', output: { continuedAs: arnOf('worker-1-c3') } },
    ]);
    expect(rest[2]).toEqual({ status: 'SUCCEEDED', output: { worker: 'worker-1', processed: 45, generation: 3 } });
    expect(processed).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
  });

  it('ends FAILED with QueueDrain.BatchFailed and the handler error when a batch fails, leaving its messages queued', async () => {
    const { first, processed, queue } = await startWorker(25, {}, 17);

    expect(first.outcome).toEqual({
      status: 'FAILED',
      error: 'QueueDrain.BatchFailed',
      cause: 'worker worker-1: batch 2 failed with QueueDrain.BatchFailed: 1 of 10 messages failed: 17: order has no lines',
    });
    expect(processed).toHaveLength(10);
    expect(queue).toHaveLength(15);
  });
});
