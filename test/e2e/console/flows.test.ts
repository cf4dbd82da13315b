/**
 * The console in headless Chromium against a served engine: the flows the issue must show —
 * start an execution with JSON input and watch it succeed, complete a task-token wait by hand,
 * redrive a failed execution, refuse bad JSON — plus skipping a wait on real time. The tests
 * write the README's screenshots to docs/screenshots/.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { TaskFailure } from '../../../engine/runtime/integrations.ts';
import {
  CALLBACK_RESOURCE, createConsoleEnv, describeInBrowser, executionRoute, lambdaArn, machineRoute, screenshot, type ConsoleEnv,
} from './console-env.ts';

const pipeline = {
  Comment: 'A report pipeline: validate, extract beside a settle wait, clean each item, check',
  StartAt: 'Validate',
  States: {
    Validate: { Type: 'Pass', Parameters: { 'report.$': '$.report', 'items.$': '$.items' }, Assign: { 'report.$': '$.report' }, Next: 'Prepare' },
    Prepare: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Extract', States: { Extract: { Type: 'Task', Resource: lambdaArn('extract'), End: true } } },
        { StartAt: 'Settle', States: { Settle: { Type: 'Wait', Seconds: 0, End: true } } },
      ],
      ResultPath: '$.prepared',
      Next: 'Transform',
    },
    Transform: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'Clean', States: { Clean: { Type: 'Pass', End: true } } }, ResultPath: '$.cleaned', Next: 'Check' },
    Check: { Type: 'Choice', Choices: [{ Variable: '$.cleaned[0]', IsPresent: true, Next: 'Done' }], Default: 'Empty' },
    Empty: { Type: 'Fail', Error: 'Report.Empty', Cause: 'no items' },
    Done: { Type: 'Succeed' },
  },
};

const approval = {
  StartAt: 'Ask',
  States: {
    Ask: { Type: 'Task', Resource: CALLBACK_RESOURCE, Parameters: { QueueUrl: 'https://sqs.local/approvals', MessageBody: { 'report.$': '$.report' } }, Next: 'Publish' },
    Publish: { Type: 'Pass', End: true },
  },
};

let env: ConsoleEnv;
let healed = false;

describeInBrowser('the console in a browser', () => {
  beforeAll(async () => {
    env = await createConsoleEnv();
    env.fakes.functions.set('extract', (input) => ({ rows: 1200, report: (input as { report: string }).report }));
    env.fakes.functions.set('load', () => {
      if (!healed) throw new TaskFailure('BI.Unavailable', 'The BI tool answered 503: maintenance window');
      return { loaded: true };
    });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  const waitForStatus = (status: string) => env.page.locator('[data-testid="status"]', { hasText: status }).first().waitFor();

  it('starts an execution with JSON input and shows it succeed in the graph and the history', async () => {
    const arn = env.createMachine('report-pipeline', pipeline);
    const { page } = env;
    await page.goto(env.url(machineRoute(arn)));
    await page.getByTestId('start-execution').click();
    await page.getByTestId('execution-name').fill('q3-sales');
    await page.getByTestId('execution-input').fill('{ "report": "q3-sales", "items": [ "north", "south", "east" ] }');

    await page.getByTestId('start-submit').click();
    await waitForStatus('SUCCEEDED');
    await page.locator('[data-testid="history"] td', { hasText: 'ExecutionSucceeded' }).waitFor();
    // a group's centre is its children: click its label
    await page.getByTestId('state-Transform').click({ position: { x: 30, y: 12 } });

    const [execution] = env.engine.listExecutions({ stateMachineArn: arn });
    expect(execution).toMatchObject({ name: 'q3-sales', status: 'SUCCEEDED' });
    expect(JSON.parse(execution.input)).toEqual({ report: 'q3-sales', items: ['north', 'south', 'east'] });
    for (const state of ['Validate', 'Prepare', 'Extract', 'Settle', 'Transform', 'Clean', 'Check', 'Done']) {
      expect(await page.getByTestId(`state-${state}`).getAttribute('data-status')).toBe('succeeded');
    }
    expect(await page.getByTestId('state-Empty').getAttribute('data-status')).toBe('notReached');
    expect(JSON.parse(await page.getByTestId('state-output').innerText())).toMatchObject({ cleaned: ['north', 'south', 'east'] });
    await screenshot(page, 'execution-succeeded.png');
  });

  it('refuses input that is not JSON with a clear message, and starts nothing', async () => {
    const arn = env.createMachine('refuses-bad-input', pipeline);
    const { page } = env;
    await page.goto(env.url(machineRoute(arn)));
    await page.getByTestId('start-execution').click();
    await page.getByTestId('execution-input').fill('{ "report": q3-sales }');

    await page.getByTestId('start-submit').click();
    const message = await page.getByTestId('input-error').innerText();

    expect(message).toMatch(/^The input is not valid JSON: /);
    expect(page.url()).toContain(encodeURIComponent(arn));
    expect(env.engine.listExecutions({ stateMachineArn: arn })).toHaveLength(0);
    await screenshot(page, 'start-refuses-bad-json.png');
  });

  it('completes a task-token wait by hand with JSON output', async () => {
    const arn = env.createMachine('approval', approval);
    const { executionArn } = env.engine.startExecution({ stateMachineArn: arn, name: 'approve-q3', input: '{"report":"q3-sales"}' });
    const { page } = env;
    await page.goto(env.url(executionRoute(executionArn)));
    await page.getByTestId('task-token-Ask').waitFor();
    expect(await page.getByTestId('state-Ask').getAttribute('data-status')).toBe('waitingToken');
    await screenshot(page, 'execution-waiting-for-task-token.png');

    await page.getByTestId('token-output').fill('{ "approved": true, "by": "console" }');
    await page.getByTestId('token-success').click();
    await waitForStatus('SUCCEEDED');

    await expect(env.engine.waitFor(executionArn)).resolves.toEqual({ status: 'SUCCEEDED', output: { approved: true, by: 'console' } });
    expect(await page.getByTestId('state-Ask').getAttribute('data-status')).toBe('succeeded');
  });

  it('fails a task-token wait by hand with an error and a cause', async () => {
    const arn = env.createMachine('approval-refused', approval);
    const { executionArn } = env.engine.startExecution({ stateMachineArn: arn, input: '{"report":"q3-sales"}' });
    const { page } = env;
    await page.goto(env.url(executionRoute(executionArn)));
    await page.getByTestId('task-token-Ask').waitFor();

    await page.getByTestId('token-error').fill('Approval.Refused');
    await page.getByTestId('token-cause').fill('numbers do not add up');
    await page.getByTestId('token-failure').click();
    await waitForStatus('FAILED');

    expect(await page.getByTestId('execution-error').innerText()).toContain('Approval.Refused');
    expect(await page.getByTestId('state-Ask').getAttribute('data-status')).toBe('failed');
  });

  it('redrives a failed execution and shows it succeed', async () => {
    const arn = env.createMachine('load-report', {
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Result: { report: 'q3-sales' }, Next: 'Load' },
        Load: { Type: 'Task', Resource: lambdaArn('load'), Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    });
    const { executionArn } = env.engine.startExecution({ stateMachineArn: arn, name: 'load-q3' });
    await env.engine.waitFor(executionArn);
    const { page } = env;
    await page.goto(env.url(executionRoute(executionArn)));
    await waitForStatus('FAILED');
    expect(await page.getByTestId('state-Load').getAttribute('data-status')).toBe('failed');
    expect(await page.getByTestId('state-Prepare').getAttribute('data-status')).toBe('succeeded');
    await page.getByTestId('state-Load').click();
    await screenshot(page, 'execution-failed.png');
    expect(await page.getByTestId('redrive').isEnabled()).toBe(true);

    healed = true;
    await page.getByTestId('redrive').click();
    await waitForStatus('SUCCEEDED');

    expect(env.engine.describeExecution(executionArn)).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(await page.getByTestId('state-Load').getAttribute('data-status')).toBe('succeeded');
    expect(await page.getByTestId('redrive').isEnabled()).toBe(false);
    expect(await page.getByTestId('redrive-reason').innerText()).toContain('SUCCEEDED');
    await screenshot(page, 'execution-redriven.png');
  });

  it('offers "New execution" with the input of a past execution', async () => {
    const arn = env.createMachine('rerun', { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } });
    const { executionArn } = env.engine.startExecution({ stateMachineArn: arn, input: '{"report":"q2"}' });
    await env.engine.waitFor(executionArn);
    const { page } = env;
    await page.goto(env.url(executionRoute(executionArn)));
    await waitForStatus('SUCCEEDED');

    await page.getByTestId('new-execution').click();
    expect(JSON.parse(await page.getByTestId('execution-input').inputValue())).toEqual({ report: 'q2' });
    await page.getByTestId('start-submit').click();
    await page.waitForURL((url) => !url.hash.includes(encodeURIComponent(executionArn)));
    await waitForStatus('SUCCEEDED');

    const runs = env.engine.listExecutions({ stateMachineArn: arn });
    expect(runs).toHaveLength(2);
    expect(runs.map((r) => JSON.parse(r.input))).toEqual([{ report: 'q2' }, { report: 'q2' }]);
  });

  it('skips a Wait on a real-time stack: the timer fires now', async () => {
    const arn = env.createMachine('nap', { StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 3600, Next: 'Done' }, Done: { Type: 'Succeed' } } });
    const { executionArn } = env.engine.startExecution({ stateMachineArn: arn });
    const { page } = env;
    await page.goto(env.url(executionRoute(executionArn)));
    await page.getByTestId('skip-Nap').waitFor();
    expect(await page.getByTestId('state-Nap').getAttribute('data-status')).toBe('waitingTimer');

    await page.getByTestId('skip-Nap').click();
    await waitForStatus('SUCCEEDED');

    expect(env.engine.history(executionArn).filter((e) => e.type === 'WaitStateExited')).toHaveLength(1);
  });
});
