/**
 * EventBridge in the whole local stack, on the virtual clock: Step Functions' "Execution Status
 * Change" events reach the rules when an execution ends, and the events a workflow puts
 * (`events:putEvents`) are matched by the rules and run their targets.
 */
import { describe, it, expect, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { localStacks, type StackEnv } from '../../support/stack-env.ts';
import { withMachines as machinesInConfig } from '../../support/config-additions.ts';
import type { StackConfig, StackRule } from '../../../local/stack.ts';
import type { RuleExecution } from '../../../local/triggers/rules.ts';

const ANSWER_EVENT = fileURLToPath(new URL('./fixtures/answer-event.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'longhaul-eventbridge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ARN = 'arn:aws:states:us-east-1:123456789012';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ECHO = { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } };

/** The project's config with these state machines (name → definition) and rules added. */
const withMachines = (machines: Record<string, object>, rules: StackRule[]) => machinesInConfig(dir, machines, { rules });

/** The first execution a rule of `env` starts from now on. */
function nextRuleExecution(env: StackEnv, rule: string): Promise<RuleExecution> {
  return new Promise((resolve) => {
    const stop = env.stack.rules.onExecution((e) => {
      if (e.rule !== rule) return;
      stop();
      resolve(e);
    });
  });
}

const stacks = localStacks();

describe('EventBridge in the local stack', () => {
  it('delivers an execution\'s end to a rule as Step Functions\' "Execution Status Change" event', async () => {
    // Prepare
    const env = await stacks({
      config: withMachines({ worker: { StartAt: 'Work', States: { Work: { Type: 'Pass', Result: { done: true }, End: true } } }, 'on-worker-end': ECHO }, [{
        name: 'worker-succeeded',
        eventPattern: { source: ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'], detail: { status: ['SUCCEEDED'], stateMachineArn: [`${ARN}:stateMachine:worker`] } },
        stateMachine: 'on-worker-end',
      }]),
    });
    const delivered = nextRuleExecution(env, 'worker-succeeded');

    // Act
    const { executionArn, startDate } = env.stack.engine.startExecution({ stateMachineArn: env.stack.stateMachines.worker, name: 'run-1', input: '{"job":7}' });
    const worker = await env.finish(executionArn);
    const target = await env.finish((await delivered).executionArn);

    // Assess
    expect(worker.outcome.status).toBe('SUCCEEDED');
    const stopDate = env.stack.engine.describeExecution(executionArn).stopMs;
    expect(target.outcome).toEqual({
      status: 'SUCCEEDED',
      output: {
        version: '0', id: expect.stringMatching(UUID), 'detail-type': 'Step Functions Execution Status Change', source: 'aws.states',
        account: '123456789012', time: expect.any(String), region: 'us-east-1', resources: [executionArn],
        detail: {
          executionArn, stateMachineArn: `${ARN}:stateMachine:worker`, name: 'run-1', status: 'SUCCEEDED', startDate, stopDate,
          input: '{"job":7}', output: '{"done":true}', inputDetails: { included: true }, outputDetails: { included: true }, error: null, cause: null,
          redriveCount: 0, redriveDate: null, redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
        },
      },
    });
    // the worker's start (RUNNING) matched no rule: one delivery only
    expect(env.stack.engine.listExecutions({ stateMachineArn: env.stack.stateMachines['on-worker-end'] })).toHaveLength(1);
  });

  it('puts a workflow\'s events onto the bus, where a rule matches them and starts its target', async () => {
    // Prepare
    const announcer = {
      StartAt: 'Announce',
      States: {
        Announce: {
          Type: 'Task', Resource: 'arn:aws:states:::events:putEvents',
          Parameters: { Entries: [{ Source: 'longhaul.reports', DetailType: 'Report Ready', Detail: { 'key.$': '$.key' } }] },
          End: true,
        },
      },
    };
    const env = await stacks({
      config: withMachines({ announcer, 'on-report-ready': ECHO }, [{
        name: 'report-ready', eventPattern: { source: ['longhaul.reports'], 'detail-type': ['Report Ready'] }, stateMachine: 'on-report-ready',
      }]),
    });
    const delivered = nextRuleExecution(env, 'report-ready');

    // Act
    const { executionArn } = env.stack.engine.startExecution({ stateMachineArn: env.stack.stateMachines.announcer, input: '{"key":"q3.csv"}' });
    const put = await env.finish(executionArn);
    const target = await env.finish((await delivered).executionArn);

    // Assess
    expect(put.outcome).toEqual({
      status: 'SUCCEEDED',
      output: { Entries: [{ EventId: expect.stringMatching(UUID) }], FailedEntryCount: 0, SdkHttpMetadata: expect.objectContaining({ HttpStatusCode: 200 }), SdkResponseMetadata: { RequestId: expect.any(String) } },
    });
    const eventId = (put.outcome as unknown as { output: { Entries: { EventId: string }[] } }).output.Entries[0].EventId;
    expect(target.outcome).toEqual({
      status: 'SUCCEEDED',
      output: {
        version: '0', id: eventId, 'detail-type': 'Report Ready', source: 'longhaul.reports', account: '123456789012', time: '2024-01-01T00:00:00Z',
        region: 'us-east-1', resources: [executionArn, `${ARN}:stateMachine:announcer`], detail: { key: 'q3.csv' },
      },
    });
  });

  it('waits on putEvents.waitForTaskToken until the rule\'s function target answers the token the event carries', async () => {
    // Prepare
    const asker = {
      StartAt: 'Ask',
      States: {
        Ask: {
          Type: 'Task', Resource: 'arn:aws:states:::events:putEvents.waitForTaskToken',
          Parameters: { Entries: [{ Source: 'longhaul.reports', DetailType: 'Report Wanted', Detail: { 'key.$': '$.key', 'token.$': '$$.Task.Token' } }] },
          End: true,
        },
      },
    };
    const env = await stacks({
      config: (c) => {
        const withAsker = withMachines({ asker }, [{ name: 'report-wanted', eventPattern: { source: ['longhaul.reports'], 'detail-type': ['Report Wanted'] }, function: 'answer-event' }])(c);
        return { ...withAsker, functions: { ...withAsker.functions, 'answer-event': { handler: `${ANSWER_EVENT}#handler`, timeout: 10 } } };
      },
    });

    // Act
    const { executionArn } = env.stack.engine.startExecution({ stateMachineArn: env.stack.stateMachines.asker, input: '{"key":"q4.csv"}' });
    const { outcome, history } = await env.finish(executionArn);

    // Assess
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { received: 'q4.csv', eventId: expect.stringMatching(UUID) } });
    const submitted = history.find((e) => e.type === 'TaskSubmitted') as { taskSubmittedEventDetails?: { output: string } } | undefined;
    expect(JSON.parse(submitted?.taskSubmittedEventDetails?.output ?? '{}')).toMatchObject({ Entries: [{ EventId: (outcome as unknown as { output: { eventId: string } }).output.eventId }], FailedEntryCount: 0 });
  });

  it('fails a putEvents task with EventBridge.FailedEntry when an entry is refused, and puts none of its events', async () => {
    // Prepare
    const announcer = {
      StartAt: 'Announce',
      States: {
        Announce: {
          Type: 'Task', Resource: 'arn:aws:states:::events:putEvents',
          Parameters: { Entries: [{ Source: 'longhaul.reports', DetailType: 'Report Ready', Detail: {} }, { Source: 'longhaul.reports', Detail: {} }] },
          End: true,
        },
      },
    };
    const env = await stacks({
      config: withMachines({ announcer, 'on-report-ready': ECHO }, [{
        name: 'report-ready', eventPattern: { source: ['longhaul.reports'] }, stateMachine: 'on-report-ready',
      }]),
    });

    // Act
    const { executionArn } = env.stack.engine.startExecution({ stateMachineArn: env.stack.stateMachines.announcer, input: '{}' });
    const { outcome } = await env.finish(executionArn);
    await Promise.resolve();

    // Assess
    expect(outcome).toEqual({ status: 'FAILED', error: 'EventBridge.FailedEntry', cause: expect.stringContaining('DetailType') });
    expect(env.stack.engine.listExecutions({ stateMachineArn: env.stack.stateMachines['on-report-ready'] })).toHaveLength(0);
  });
});
