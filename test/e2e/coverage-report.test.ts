/**
 * The HTML coverage report in a browser: the states no execution entered are drawn red. With
 * LONGHAUL_SCREENSHOTS=1 its picture goes to docs/screenshots/ for the README.
 */
import { afterAll, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { mergeRecords, recordsOf } from '../../engine/coverage/collect.ts';
import { writeReports } from '../../engine/coverage/output.ts';
import { fakeTasks, lambdaArn, taskError, testEngines } from '../support/engine-env.ts';
import { CHROMIUM, describeInBrowser, screenshot } from './console/console-env.ts';

const testEngine = testEngines();
const dir = mkdtempSync(join(tmpdir(), 'longhaul-cov-html-'));
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const orders = {
  Comment: 'An order: checked, charged (retried once), its lines packed in parallel',
  StartAt: 'Check',
  States: {
    Check: { Type: 'Choice', Choices: [{ Variable: '$.total', NumericGreaterThan: 0, Next: 'Charge' }], Default: 'Empty' },
    Empty: { Type: 'Succeed' },
    Charge: {
      Type: 'Task',
      Resource: lambdaArn('charge'),
      Retry: [{ ErrorEquals: ['Declined'], MaxAttempts: 0 }, { ErrorEquals: ['Throttled'] }],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Refund' }],
      ResultPath: null,
      Next: 'Fulfil',
    },
    Refund: { Type: 'Pass', Next: 'Failed' },
    Failed: { Type: 'Fail', Error: 'ChargeFailed' },
    Fulfil: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Pack', States: { Pack: { Type: 'Map', ItemsPath: '$.lines', ItemProcessor: { StartAt: 'PackLine', States: { PackLine: { Type: 'Pass', End: true } } }, End: true } } },
        { StartAt: 'Invoice', States: { Invoice: { Type: 'Pass', End: true } } },
      ],
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

describeInBrowser('the HTML coverage report', () => {
  it('draws the states no execution entered in red and the others in green', async () => {
    // Prepare: one order charged after a throttle; Empty, Refund and Failed never run
    let calls = 0;
    const env = testEngine({ tasks: fakeTasks({ [lambdaArn('charge')]: () => (++calls === 1 ? Promise.reject(taskError('Throttled')) : 'ok') }) });
    await env.run(orders, { total: 10, lines: [1, 2] });
    writeReports(mergeRecords(recordsOf(env.engine)), { dir, root: dir });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });

    // Act
    await page.goto(pathToFileURL(join(dir, 'index.html')).href);

    // Assess
    // the test's TypeScript has no DOM library: the browser's getComputedStyle is reached through globalThis
    type Styles = { getComputedStyle(e: unknown): { fill: string } };
    const fill = (state: string) => page.locator(`g[data-state="${state}"] rect`).evaluate((r) => (globalThis as unknown as Styles).getComputedStyle(r).fill);
    expect(await fill('Refund')).toBe('rgb(251, 218, 218)');
    expect(await fill('Charge')).toBe('rgb(214, 240, 214)');
    expect(await page.locator('section[data-definition="machine-1"] td.uncov').allTextContents()).toEqual(['Empty, Refund, Failed', 'Check.Default → Empty', 'Charge.Retry[0] (Declined)', 'Charge.Catch[0] (States.ALL) → Refund', '']);
    await screenshot(page, 'coverage-report.png');
  });
});
