/**
 * queue-drain: a worker that drains an SQS queue in batches through the `process-batch` Lambda
 * (which receives, processes and deletes up to `batchSize` messages and answers how many it
 * processed), until the queue has been empty for `emptyPollsToStop` polls in a row.
 *
 * It replaces a self-invoking Lambda with a token table and a restart function:
 * - scaling is the number of running executions, started with deterministic names
 *   (`worker-1`, `worker-2`...), so starting an already-running worker starts nothing new;
 * - stopping is StopExecution (of the newest continuation of each worker);
 * - it continues as a new execution (`worker-1-c1`, `-c2`...) before its history bound;
 * - a failed batch ends the execution FAILED with `QueueDrain.BatchFailed`, visible in the
 *   console and to alarms, instead of a Lambda dying silently.
 *
 * process-batch payload: `{ queueUrl, maxMessages, idempotencyKey }` (execution name + batch number); answer `{ received, processed, ... }`; a
 * poll that received nothing counts as empty. A message whose processing fails stays in the queue
 * (not deleted) and the batch throws (`QueueDrain.BatchFailed`).
 */
import { continuationName, continueAsNew, IDEMPOTENCY_IN_PROGRESS, jsonata, mergeStates, transientRetry, TRANSIENT_LAMBDA_ERRORS, type Workflow } from './patterns/index.ts';
import { placeholder } from './substitutions.ts';

export const QueueDrainError = { BatchFailed: 'QueueDrain.BatchFailed' } as const;

/**
 * The name of worker `n` (from 1): scaling to N workers is starting executions 1..N under these
 * names; a start for a worker already running fails with ExecutionAlreadyExists instead of adding
 * a second one. Its continuations are `<name>-c1`, `-c2`...
 *
 * @example
 * for (let n = 1; n <= 4; n++) await sfn.send(new StartExecutionCommand({ stateMachineArn, name: queueDrainWorkerName(n), input: '{}' }));
 */
export function queueDrainWorkerName(n: number): string {
  return `worker-${n}`;
}

export interface QueueDrainOptions {
  /** messages per batch (SQS receives at most 10 per call; the handler may loop) */
  batchSize?: number;
  /** consecutive empty polls after which the worker stops (default 3) */
  emptyPollsToStop?: number;
  /** the wait between polls of an empty queue (default 20 s) */
  emptyWaitSeconds?: number;
  /** batches before continuing as a new execution (default 1000) */
  maxBatchesPerExecution?: number;
}

export const QUEUE_DRAIN_DEFAULTS = {
  batchSize: 10,
  emptyPollsToStop: 3,
  emptyWaitSeconds: 20,
  maxBatchesPerExecution: 1000,
} as const satisfies Required<QueueDrainOptions>;

/**
 * Builds the queue-drain workflow. Input: `{ worker? }`, a label for its output and errors
 * (default: the execution name).
 *
 * @example
 * const { definition } = queueDrain();                        // asl/queue-drain.asl.json
 * const quick = queueDrain({ maxBatchesPerExecution: 2 });    // a test's variant
 */
export function queueDrain(options: QueueDrainOptions = {}): Workflow {
  const o = { ...QUEUE_DRAIN_DEFAULTS, ...options };
  const next = continueAsNew({
    name: 'ContinueAsNew',
    executionName: continuationName('$drain.root', '$drain.generation + 1'),
    input: "{ 'continueAsNew': { 'drain': $drain } }",
  });
  const states = mergeStates({
    Begin: {
      Type: 'Pass',
      Comment: 'A continued execution carries its counters on; a new one starts them.',
      Assign: {
        drain: jsonata(`$exists($states.input.continueAsNew)
  ? $merge([$states.input.continueAsNew.drain, { 'batches': 0, 'generation': $states.input.continueAsNew.drain.generation + 1 }])
  : { 'worker': $exists($states.input.worker) ? $states.input.worker : $states.context.Execution.Name,
      'root': $states.context.Execution.Name, 'generation': 0, 'batches': 0, 'emptyPolls': 0, 'processed': 0 }`),
      },
      Next: 'ProcessBatch',
    },
    ProcessBatch: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Arguments: {
        FunctionName: placeholder('ProcessBatchFunctionArn'),
        // one key per batch of one execution: a duplicated invocation answers the batch it took, receiving no more
        Payload: { queueUrl: placeholder('DrainQueueUrl'), maxMessages: o.batchSize, idempotencyKey: jsonata("$states.context.Execution.Name & '/ProcessBatch/' & $drain.batches") },
      },
      Retry: [transientRetry({ errors: [...TRANSIENT_LAMBDA_ERRORS, IDEMPOTENCY_IN_PROGRESS] })],
      Catch: [{ ErrorEquals: ['States.ALL'], Assign: { lastError: jsonata('$states.errorOutput') }, Output: jsonata('$states.errorOutput'), Next: 'BatchFailed' }],
      Assign: {
        drain: jsonata(`$merge([$drain, {
  'batches': $drain.batches + 1,
  'processed': $drain.processed + $states.result.Payload.processed,
  'emptyPolls': $states.result.Payload.received = 0 ? $drain.emptyPolls + 1 : 0
}])`),
      },
      Output: jsonata('$states.result.Payload'),
      Next: 'Evaluate',
    },
    Evaluate: {
      Type: 'Choice',
      Choices: [
        { Condition: jsonata(`$drain.emptyPolls >= ${o.emptyPollsToStop}`), Next: 'Drained' },
        { Condition: jsonata(`$drain.batches >= ${o.maxBatchesPerExecution}`), Next: next.startAt },
        { Condition: jsonata('$drain.emptyPolls > 0'), Next: 'WaitForMessages' },
      ],
      Default: 'ProcessBatch',
    },
    WaitForMessages: { Type: 'Wait', Seconds: o.emptyWaitSeconds, Next: 'ProcessBatch' },
    Drained: {
      Type: 'Succeed',
      Output: { worker: jsonata('$drain.worker'), processed: jsonata('$drain.processed'), generation: jsonata('$drain.generation') },
    },
    BatchFailed: {
      Type: 'Fail',
      Error: QueueDrainError.BatchFailed,
      Cause: jsonata("'worker ' & $drain.worker & ': batch ' & ($drain.batches + 1) & ' failed with ' & $states.input.Error & ': ' & $string($states.input.Cause)"),
    },
  }, next.states);
  return {
    name: 'queue-drain',
    definition: {
      Comment: 'Drains an SQS queue in batches through process-batch until it stays empty; continues as new before its history bound.',
      QueryLanguage: 'JSONata',
      StartAt: 'Begin',
      States: states,
    },
    loops: [{
      states: ['ProcessBatch', 'Evaluate', 'WaitForMessages'],
      maxIterations: o.maxBatchesPerExecution,
      reason: `Evaluate continues as new after ${o.maxBatchesPerExecution} batches`,
    }],
  };
}
