/**
 * queue-drain on the whole local stack: SQS, the Lambda runtime running the batch processor, and
 * the state machine continuing as new executions before its bound. On the CDK app (infra/) with the
 * config's overlay, its batch processor swapped for one that records its effects and its bound
 * lowered.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from '@jest/globals';
import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { queueDrain, queueDrainWorkerName } from '../../workflows/queue-drain.ts';
import { localStacks } from '../support/stack-env.ts';

const stacks = localStacks('app');
const dir = mkdtempSync(join(tmpdir(), 'longhaul-drain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MESSAGES = 10_000;
const WORKERS = 2;
/** a lower bound than asl/'s 1,000 batches, so 10,000 messages cross several continuations */
const BATCHES_PER_EXECUTION = 100;

describe('queue-drain on the whole local stack', () => {
  it('processes 10,000 messages across its continuations, each exactly once in effect', async () => {
    // Prepare
    const effects = join(dir, 'effects');
    mkdirSync(effects);
    const definitionFile = join(dir, 'queue-drain.asl.json');
    writeFileSync(definitionFile, JSON.stringify(queueDrain({ maxBatchesPerExecution: BATCHES_PER_EXECUTION }).definition));
    const env = await stacks({
      config: (c, names) => ({
        ...c,
        functions: {
          ...c.functions,
          [names('function', 'process-batch')]: { handler: join(import.meta.dirname, 'fixtures/handlers/process-batch-effects.ts#handler'), timeout: 60, environment: { EFFECTS_DIR: effects } },
        },
        stateMachines: c.stateMachines!.map((sm) => (sm.name === names('stateMachine', 'queue-drain') ? { ...sm, definitionFile } : sm)),
      }),
    });
    const queueUrl = env.stack.queues[env.names('queue', 'drain-queue')];
    for (let i = 0; i < MESSAGES; i += 10) {
      const entries = Array.from({ length: 10 }, (_, j) => ({ Id: String(j), MessageBody: JSON.stringify({ id: `m${String(i + j).padStart(5, '0')}` }) }));
      await env.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    }
    const stateMachineArn = env.stateMachineArn('queue-drain');
    // Act: scaling is the number of workers, each with its deterministic name
    for (let n = 1; n <= WORKERS; n++) await env.sfn.send(new StartExecutionCommand({ stateMachineArn, name: queueDrainWorkerName(n), input: '{}' }));
    // each execution's last act is to start its continuation, so wait until none is left running
    for (;;) {
      const running = env.stack.engine.listExecutions({ stateMachineArn, status: 'RUNNING' });
      if (running.length === 0) break;
      await Promise.all(running.map((e) => env.stack.engine.waitFor(e.arn)));
    }
    // Assess
    const executions = env.stack.engine.listExecutions({ stateMachineArn });
    expect(executions.map((e) => [e.name, e.status, e.error, e.cause]).filter((e) => e[1] !== "SUCCEEDED")).toEqual([]);
    expect(executions.length).toBeGreaterThanOrEqual(MESSAGES / 10 / BATCHES_PER_EXECUTION);
    const processed = readdirSync(effects).filter((f) => f.endsWith('.json'));
    expect(processed).toHaveLength(MESSAGES);
    const deliveries = readFileSync(join(effects, 'deliveries.log'), 'utf8').trim().split('\n');
    expect(new Set(deliveries).size).toBe(MESSAGES);
    const attributes = await env.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    expect(attributes.Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    // each worker's last execution reports what its whole chain processed
    const drained = executions.map((e) => JSON.parse(e.output!) as { worker?: string; processed?: number }).filter((o) => o.worker !== undefined);
    expect(drained.map((o) => o.worker).sort()).toEqual(Array.from({ length: WORKERS }, (_, n) => queueDrainWorkerName(n + 1)));
    expect(drained.reduce((sum, o) => sum + o.processed!, 0)).toBe(MESSAGES);
  });
});
