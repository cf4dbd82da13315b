/**
 * `longhaul exec` with what cannot run locally, as a user types it: a Step Functions Local
 * MockConfigFile test case (a mocked .waitForTaskToken task, a Retry driven by mocked Throws),
 * a 40-minute Glue stand-in on the virtual clock, and the message for a Task nothing runs.
 */
import { describe, it, expect, afterAll } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CLI = resolve('cli/longhaul.ts');
const GLUE_JOB = resolve('test/support/stand-ins/glue-job.mjs');
const dir = mkdtempSync(join(tmpdir(), 'longhaul-exec-mocks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function longhaul(args: string[], env: Record<string, string> = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', CLI, ...args], {
    encoding: 'utf8', timeout: 60_000, env: { ...process.env, SFN_MOCK_CONFIG: '', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, content: object): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content, null, 2));
  return path;
}

const definition = file('nightly.asl.json', {
  StartAt: 'Approve',
  States: {
    Approve: {
      Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals', MessageBody: { 'token.$': '$$.Task.Token' } },
      ResultPath: '$.approval', Next: 'Load',
    },
    Load: {
      Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun.sync', Parameters: { JobName: 'nightly-load' },
      Retry: [{ ErrorEquals: ['Glue.ConcurrentRunsExceededException'], IntervalSeconds: 60, MaxAttempts: 3, BackoffRate: 2 }],
      ResultSelector: { 'state.$': '$.JobRunState' }, ResultPath: '$.load', End: true,
    },
  },
});

const mockConfig = file('MockConfigFile.json', {
  StateMachines: { nightly: { TestCases: { BusyThenDone: { Approve: 'Approved', Load: 'BusyTwiceThenDone' } } } },
  MockedResponses: {
    Approved: { '0': { Return: { approvedBy: 'ops' } } },
    BusyTwiceThenDone: {
      '0-1': { Throw: { Error: 'Glue.ConcurrentRunsExceededException', Cause: 'too many runs' } },
      '2': { Return: { JobRunState: 'SUCCEEDED' } },
    },
  },
});

describe('longhaul exec with a MockConfigFile', () => {
  it.each<[string, string[], Record<string, string>]>([
    ['--mock-config', ['--mock-config', mockConfig], {}],
    ['SFN_MOCK_CONFIG', [], { SFN_MOCK_CONFIG: mockConfig }],
  ])('runs a test case named with --test-case, the mock file from %s', (_from, mockArgs, env) => {
    // Act
    const r = longhaul(['exec', definition, '--state-machine', 'nightly', '--test-case', 'BusyThenDone', ...mockArgs], env);

    // Assess: the callback task took its mock without a token; two mocked Throws, retried after 60 s and 120 s
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.match(/ TaskFailed Glue\.ConcurrentRunsExceededException/g)).toHaveLength(2);
    expect(r.out).toMatch(/\+60\.0s +TaskScheduled/);
    expect(r.out).toMatch(/\+3\.0min +TaskScheduled/);
    expect(r.out).toContain('SUCCEEDED  (workflow time 3.0min');
    expect(JSON.parse(r.out.slice(r.out.indexOf('\n{') + 1))).toEqual({ approval: { approvedBy: 'ops' }, load: { state: 'SUCCEEDED' } });
  });

  it('refuses --test-case without a mock file', () => {
    const r = longhaul(['exec', definition, '--test-case', 'BusyThenDone']);

    expect(r.code).toBe(2);
    expect(r.err).toContain('--test-case needs a mock config');
  });
});

describe('longhaul exec with stand-ins', () => {
  const glueOnly = file('load.asl.json', {
    StartAt: 'Load',
    States: { Load: { Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun.sync', Parameters: { JobName: 'nightly-load' }, End: true } },
  });

  it('runs a 40-minute Glue job stand-in in virtual time', () => {
    // Act
    const started = Date.now();
    const r = longhaul(['exec', glueOnly, '--stand-in', `glue:startJobRun.sync=${GLUE_JOB}`]);

    // Assess
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\+0ms +TaskSubmitted/);
    expect(r.out).toMatch(/\+40\.0min +TaskSucceeded/);
    expect(r.out).toContain('SUCCEEDED  (workflow time 40.0min');
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('fails a Task nothing runs with how to declare its stand-in', () => {
    // Act
    const r = longhaul(['exec', glueOnly]);

    // Assess
    expect(r.code).toBe(1);
    expect(r.out).toContain('error: States.Runtime');
    expect(r.out).toContain('"standIns": { "glue:startJobRun.sync": "standins/glue-startJobRun-sync.mjs" }');
    expect(r.out).toContain("longhaul exec --stand-in 'glue:startJobRun.sync=standins/glue-startJobRun-sync.mjs'");
  });
});
