/**
 * The static check: worst-case history events and transitions per execution, from the state
 * graph and the loop bounds the builders declare.
 */
import { describe, it, expect } from '@jest/globals';
import { analyze, costTable, HISTORY_LIMIT, stateCost } from '../../../workflows/analyze.ts';
import { workflows } from '../../../workflows/index.ts';
import type { Workflow } from '../../../workflows/patterns/asl.ts';
import { queueDrain } from '../../../workflows/queue-drain.ts';
import { reportEtl } from '../../../workflows/report-etl.ts';
import { taskError, testEngines } from '../../support/engine-env.ts';
import { definitionOf, fakeLambdas, withStartExecution } from './workflow-env.ts';

const testEngine = testEngines();

describe('analyze', () => {
  it.each(workflows().map((w) => [w.name, w] as const))('keeps %s within the history limit in every execution', (_name, workflow) => {
    const cost = analyze(workflow);

    expect(cost.events).toBeLessThanOrEqual(HISTORY_LIMIT);
    expect(cost.transitions).toBeLessThan(cost.events);
  });

  it('flags a workflow whose poll bound lets one execution pass the history limit', () => {
    const rows = [analyze(reportEtl({ maxPollsPerExecution: 5000 }))];

    expect(rows[0].events).toBeGreaterThan(HISTORY_LIMIT);
    expect(costTable(rows)).toContain('| NO |');
  });

  it('refuses a loop no builder declared a bound for', () => {
    const endless: Workflow = {
      name: 'endless',
      definition: { Comment: '', QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Wait', Seconds: 1, Next: 'B' }, B: { Type: 'Pass', Next: 'A' } } },
      loops: [],
    };

    expect(() => analyze(endless)).toThrow('endless has a loop with no declared bound: A, B');
  });

  it.each([
    ['a request-response task', { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true }, { events: 5, transitions: 1 }],
    ['a callback task', { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', End: true }, { events: 6, transitions: 1 }],
    ['a task retried up to 3 times', { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Retry: [{ ErrorEquals: ['X'], MaxAttempts: 3 }], End: true }, { events: 14, transitions: 4 }],
    ['a Wait', { Type: 'Wait', Seconds: 1, End: true }, { events: 2, transitions: 1 }],
  ])('counts %s as the engine records it', (_what, state, cost) => {
    expect(stateCost(state)).toEqual(cost);
  });

  it('bounds what the engine records for queue-drain when every batch is retried to its last attempt', async () => {
    // Prepare: every batch fails three times with a transient error, then succeeds
    let calls = 0;
    const tasks = fakeLambdas({
      'process-batch': () => {
        if (++calls % 4 !== 0) throw taskError('Lambda.ServiceException', 'try again');
        return { received: 10, processed: 10, failed: 0, drained: false, undeleted: 0 };
      },
    });
    const env = withStartExecution(testEngine({ tasks }));
    const workflow = queueDrain({ maxBatchesPerExecution: 5 });

    // Act
    const { outcome, history } = await env.run(definitionOf(workflow), {});

    // Assess
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { continuedAs: expect.stringContaining('-c1') } });
    expect(history.length).toBeLessThanOrEqual(analyze(workflow).events);
    // Begin, 5 × (ProcessBatch with 3 retries + Evaluate), ContinueAsNew: the bound is tight
    expect(history.length).toBe(1 + 2 + 5 * (14 + 2) + 5 + 1);
  });
});
