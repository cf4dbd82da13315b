/**
 * The console with a lot to show: a state machine with 1,000 executions and an execution whose
 * history holds 10,000 events. Both are paged (at most 50 executions and 200 events rendered at a
 * time) and stay responsive. Timings are printed as figures; the only bound on them is the
 * generous timeout every wait has.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createConsoleEnv, describeInBrowser, executionRoute, machineRoute, type ConsoleEnv } from './console-env.ts';

const EXECUTIONS = 1000;
/** a Map iteration of one Pass state records 4 events: 2,500 of them make 10,000 */
const ITEMS = 2500;
const SANITY_MS = 30_000;

let env: ConsoleEnv;
const timings: string[] = [];

async function timed<T>(what: string, act: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await act();
  timings.push(`${what}: ${Math.round(performance.now() - started)} ms`);
  return result;
}

describeInBrowser('the console with 1,000 executions and a 10,000-event history', () => {
  beforeAll(async () => {
    env = await createConsoleEnv();
    env.page.setDefaultTimeout(SANITY_MS);
  });
  afterAll(async () => {
    console.log(`console timings (figures, not thresholds):\n  ${timings.join('\n  ')}`);
    await env?.teardown();
  });

  it('lists 1,000 executions a page at a time, filters them by status and pages on', async () => {
    const arn = env.createMachine('many', {
      StartAt: 'Check',
      States: {
        Check: { Type: 'Choice', Choices: [{ Variable: '$.fail', BooleanEquals: true, Next: 'Broken' }], Default: 'Done' },
        Broken: { Type: 'Fail', Error: 'Run.Broken' },
        Done: { Type: 'Succeed' },
      },
    });
    const arns: string[] = [];
    for (let i = 0; i < EXECUTIONS; i++) {
      arns.push(env.engine.startExecution({ stateMachineArn: arn, name: `run-${String(i).padStart(4, '0')}`, input: JSON.stringify({ fail: i % 100 === 0 }) }).executionArn);
    }
    await Promise.all(arns.map((a) => env.engine.waitFor(a)));
    const { page } = env;
    const rows = page.locator('[data-testid="executions"] tbody tr');

    await timed('machine page, first 50 of 1,000 executions', async () => {
      await page.goto(env.url(machineRoute(arn)));
      await page.getByTestId('page-number').filter({ hasText: 'Page 1' }).waitFor();
      await rows.nth(49).waitFor();
    });
    const firstName = await rows.first().locator('td').first().innerText();
    await timed('next page of executions', async () => {
      await page.getByTestId('next-page').click();
      await page.getByTestId('page-number').filter({ hasText: 'Page 2' }).waitFor();
      await rows.locator('td', { hasText: firstName }).waitFor({ state: 'detached' });
      await rows.nth(49).waitFor();
    });
    expect(await rows.count()).toBe(50);
    await timed('filter FAILED', async () => {
      await page.getByTestId('status-filter').selectOption('FAILED');
      await page.getByTestId('page-number').filter({ hasText: 'Page 1' }).waitFor();
      await rows.locator('[data-testid="status"]', { hasText: 'SUCCEEDED' }).first().waitFor({ state: 'detached' });
      await rows.nth(10).waitFor({ state: 'detached' });
      await rows.nth(9).waitFor();
    });

    expect(await rows.count()).toBe(10);
    expect(await page.getByTestId('next-page').isDisabled()).toBe(true);
  });

  it('shows a 10,000-event history 200 rows at a time, and the graph answers a click', async () => {
    const arn = env.createMachine('wide-map', {
      StartAt: 'Fan',
      States: { Fan: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'Touch', States: { Touch: { Type: 'Pass', End: true } } }, ResultPath: null, End: true } },
    });
    const { executionArn } = env.engine.startExecution({ stateMachineArn: arn, input: JSON.stringify({ items: Array.from({ length: ITEMS }, (_, i) => i) }) });
    await env.engine.waitFor(executionArn);
    const total = env.engine.history(executionArn).length;
    expect(total).toBeGreaterThanOrEqual(10_000);
    const { page } = env;
    const rows = page.getByTestId('event-row');

    await timed(`execution page with ${total} events (read in pages of 1,000, rendered 200 at a time)`, async () => {
      await page.goto(env.url(executionRoute(executionArn)));
      await page.getByTestId('event-count').filter({ hasText: String(total) }).waitFor();
      await rows.nth(199).waitFor();
    });
    expect(await rows.count()).toBe(200);
    await timed('next page of events', async () => {
      await page.getByTestId('next-page').click();
      await page.getByTestId('page-number').filter({ hasText: `Events 201–400 of ${total}` }).waitFor();
    });
    expect(await rows.count()).toBe(200);
    expect(await rows.first().locator('td').first().innerText()).toBe('201');
    await timed('open one event', async () => {
      await rows.first().click();
      await page.locator('tr.event-details').waitFor();
    });
    await timed('select the Map state in the graph', async () => {
      await page.getByTestId('state-Touch').click();
      await page.getByTestId('selected-state').filter({ hasText: 'Touch' }).waitFor();
    });
    expect(await page.getByTestId('state-details').innerText()).toContain(`entered ${ITEMS} times`);
  });
});
