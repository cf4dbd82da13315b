/** The console's pure model: the graph handed to ELK, state colours from history, Redrive eligibility, JSON checks. */
import { describe, expect, it } from '@jest/globals';
import { END, START, machineGraph } from '../../../console/src/model/graph.ts';
import { executionView, type HistoryEventLike } from '../../../console/src/model/status.ts';
import { REDRIVE_PERIOD_MS, redriveEligibility } from '../../../console/src/model/redrive.ts';
import { checkJson } from '../../../console/src/model/input.ts';

describe('machineGraph', () => {
  it('nests Parallel branches and Map processors as groups, with each transition inside its branch', () => {
    const g = machineGraph({
      StartAt: 'P',
      States: {
        P: { Type: 'Parallel', Next: 'M', Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }, { StartAt: 'B', States: { B: { Type: 'Pass', Next: 'C' }, C: { Type: 'Succeed' } } }] },
        M: { Type: 'Map', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'F' }], End: true },
        F: { Type: 'Fail' },
      },
    });

    const p = g.root.children!.find((n) => n.id === 'P')!;
    expect(p.children!.map((b) => b.children!.map((n) => n.id))).toEqual([['A'], ['B', 'C']]);
    expect(p.children![1].edges!.map((e) => e.id)).toEqual(['B->C']);
    expect(g.root.children!.find((n) => n.id === 'M')!.children!.map((n) => n.id)).toEqual(['I']);
    expect(g.root.edges!.map((e) => e.id).sort()).toEqual([`${START}->P`, 'F->__end', 'M->F', `M->${END}`, 'P->M'].sort());
    expect(g.edges.get('M->F')).toBe('catch');
  });

  it('draws a Choice rule and its Default once each, even when two rules lead to one state', () => {
    const g = machineGraph({
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: true, Next: 'X' }, { Variable: '$.b', IsPresent: true, Next: 'X' }], Default: 'Y' },
        X: { Type: 'Succeed' },
        Y: { Type: 'Succeed' },
      },
    });

    expect(g.root.edges!.filter((e) => e.sources[0] === 'C').map((e) => e.id)).toEqual(['C->X', 'C->Y']);
  });
});

let id = 0;
const ev = (type: string, previousEventId: number, details?: Record<string, unknown>): HistoryEventLike => {
  id++;
  const key = details ? `${type.charAt(0).toLowerCase()}${type.slice(1).replace(/^(\w+?)State(Entered|Exited)$/, 'state$2')}EventDetails` : undefined;
  return { id, previousEventId, type, ...(key && { [key]: details }) };
};

describe('executionView', () => {
  it('colours succeeded, caught and not-reached states, with the input, output and variables of each', () => {
    id = 0;
    const events = [
      ev('ExecutionStarted', 0),
      ev('PassStateEntered', 0, { name: 'P', input: '{}' }),
      ev('PassStateExited', 2, { name: 'P', output: '{"a":1}', assignedVariables: { x: '1' } }),
      ev('TaskStateEntered', 3, { name: 'T', input: '{"a":1}' }),
      ev('LambdaFunctionFailed', 4, { error: 'Boom', cause: 'bad' }),
      ev('TaskStateExited', 5, { name: 'T', output: '{"Error":"Boom"}' }),
      ev('SucceedStateEntered', 6, { name: 'Done', input: '{}' }),
      ev('SucceedStateExited', 7, { name: 'Done', output: '{}' }),
      ev('ExecutionSucceeded', 8),
    ];

    const view = executionView(events, { executionStatus: 'SUCCEEDED' });

    expect(view.states.get('P')).toMatchObject({ status: 'succeeded', last: { output: '{"a":1}', variables: { x: '1' } } });
    expect(view.states.get('T')).toMatchObject({ status: 'caught', last: { failure: { error: 'Boom', cause: 'bad' } } });
    expect(view.states.get('Done')?.status).toBe('succeeded');
    expect(view.states.has('Other')).toBe(false);
    expect(view.stateOfEvent.get(5)).toBe('T');
  });

  it('shows a retried success as succeeded, and the failing state of a failed execution as failed', () => {
    id = 0;
    const events = [
      ev('ExecutionStarted', 0),
      ev('TaskStateEntered', 0, { name: 'T', input: '{}' }),
      ev('LambdaFunctionFailed', 2, { error: 'Busy' }),
      ev('LambdaFunctionSucceeded', 3, { output: '{}' }),
      ev('TaskStateExited', 4, { name: 'T', output: '{}' }),
      ev('TaskStateEntered', 5, { name: 'U', input: '{}' }),
      ev('LambdaFunctionFailed', 6, { error: 'Down' }),
      ev('ExecutionFailed', 7, { error: 'Down' }),
    ];

    const view = executionView(events, { executionStatus: 'FAILED' });

    expect(view.states.get('T')?.status).toBe('succeeded');
    expect(view.states.get('U')).toMatchObject({ status: 'failed', last: { failure: { error: 'Down' } } });
  });

  it('tells a token wait from a timer wait while the execution runs', () => {
    id = 0;
    const events = [
      ev('ExecutionStarted', 0),
      ev('ParallelStateEntered', 0, { name: 'Both' }),
      ev('TaskStateEntered', 2, { name: 'Ask' }),
      ev('WaitStateEntered', 2, { name: 'Nap' }),
      ev('TaskStateEntered', 2, { name: 'Busy' }),
    ];

    const view = executionView(events, { executionStatus: 'RUNNING', waitingTokens: ['Ask'] });

    expect(view.states.get('Ask')?.status).toBe('waitingToken');
    expect(view.states.get('Nap')?.status).toBe('waitingTimer');
    expect(view.states.get('Busy')?.status).toBe('running');
    expect(view.states.get('Both')?.status).toBe('running');
  });

  it('after a redrive, shows the state that failed before as it ran again', () => {
    id = 0;
    const events = [
      ev('ExecutionStarted', 0),
      ev('TaskStateEntered', 0, { name: 'T' }),
      ev('LambdaFunctionFailed', 2, { error: 'Down' }),
      ev('ExecutionFailed', 3, { error: 'Down' }),
      ev('ExecutionRedriven', 4, { redriveCount: 1 }),
      ev('TaskStateEntered', 5, { name: 'T' }),
      ev('LambdaFunctionSucceeded', 6, {}),
      ev('TaskStateExited', 7, { name: 'T', output: '{}' }),
      ev('ExecutionSucceeded', 8),
    ];

    const view = executionView(events, { executionStatus: 'SUCCEEDED' });

    expect(view.states.get('T')).toMatchObject({ status: 'succeeded', runs: 1 });
  });
});

describe('redriveEligibility', () => {
  const now = Date.UTC(2025, 0, 20);
  const failed = { status: 'FAILED', type: 'STANDARD' as const, stopDate: now / 1000 - 60, redriveStatus: 'REDRIVABLE', eventCount: 10 };

  it.each([
    ['a failed Standard execution that stopped a minute ago', failed, true],
    ['a timed-out one', { ...failed, status: 'TIMED_OUT' }, true],
    ['an aborted one', { ...failed, status: 'ABORTED' }, true],
  ])('allows %s', (_, facts, allowed) => {
    expect(redriveEligibility(facts, now).allowed).toBe(allowed);
  });

  it.each([
    ['a succeeded execution', { ...failed, status: 'SUCCEEDED', redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven' }, 'Execution is SUCCEEDED and cannot be redriven'],
    ['a running one', { ...failed, status: 'RUNNING' }, 'Execution is RUNNING and cannot be redriven.'],
    ['an Express one', { ...failed, type: 'EXPRESS' as const }, 'Express executions cannot be redriven.'],
    ['one that stopped more than 14 days ago', { ...failed, stopDate: (now - REDRIVE_PERIOD_MS - 1000) / 1000 }, 'Execution redrivable period exceeded: it stopped more than 14 days ago.'],
    ['one the API calls NOT_REDRIVABLE', { ...failed, redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution history event limit exceeded' }, 'Execution history event limit exceeded'],
  ])('refuses %s, with the reason', (_, facts, reason) => {
    expect(redriveEligibility(facts, now)).toEqual({ allowed: false, reason });
  });
});

describe('checkJson', () => {
  it.each([
    ['{"a":1}', { ok: true, text: '{"a":1}' }],
    ['  ', { ok: true, text: '{}' }],
    ['[1, 2]', { ok: true, text: '[1, 2]' }],
  ])('accepts %j', (text, expected) => {
    expect(checkJson(text, 'The input', '{}')).toEqual(expected);
  });

  it.each(['{a:1}', '{"a":', "{'a':1}"])('refuses %j, saying it is not JSON', (text) => {
    const check = checkJson(text, 'The input', '{}');
    expect(check.ok).toBe(false);
    expect(!check.ok && check.message).toMatch(/^The input is not valid JSON: /);
  });

  it('refuses input over 256 KiB', () => {
    const check = checkJson(JSON.stringify({ x: 'y'.repeat(300 * 1024) }), 'The input');
    expect(!check.ok && check.message).toMatch(/accepts at most 262144/);
  });
});
