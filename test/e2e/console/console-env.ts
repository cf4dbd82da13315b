/**
 * A served stack for the console's browser tests: the engine on real time (so a wait can be
 * skipped) behind the API server that also serves the built console, headless Chromium
 * (Debian's, driven by playwright-core), and fake integrations the tests steer: a Lambda function
 * that fails until told otherwise, and `.waitForTaskToken` tasks nobody answers but the console.
 *
 * The suites skip, saying why, where /usr/bin/chromium is absent. The console bundle is built
 * first when console/dist does not hold one.
 */
import { describe } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Engine } from '../../../engine/engine.ts';
import { DEFAULT_CONSOLE_DIR } from '../../../engine/api/console-files.ts';
import { startApiServer, type ApiServer } from '../../../engine/api/server.ts';
import { RealScheduler } from '../../../engine/runtime/clock.ts';
import { TaskFailure, type TaskFlavor, type TaskIntegration, type TaskRequest } from '../../../engine/runtime/integrations.ts';
import type { JsonValue } from '../../../engine/json.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const ROLE = 'arn:aws:iam::123456789012:role/console-test';
/**
 * Where the tests write their screenshots: docs/screenshots/ (committed, linked from the README)
 * with LONGHAUL_SCREENSHOTS=1, else a temporary folder, so that a plain test run leaves the
 * working tree as it found it.
 */
export const SCREENSHOTS = process.env.LONGHAUL_SCREENSHOTS === '1'
  ? resolve(import.meta.dirname, '../../../docs/screenshots')
  : join(tmpdir(), 'longhaul-console-screenshots');

/** `describe`, or `describe.skip` with a message when there is no Chromium to drive. */
export const describeInBrowser: typeof describe = existsSync(CHROMIUM)
  ? describe
  : (((name: string, fn: () => void) => {
      console.warn(`console browser tests skipped: ${CHROMIUM} is absent (install Debian's chromium; .ci/run does)`);
      describe.skip(name, fn);
    }) as typeof describe);

export const lambdaArn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
export const CALLBACK_RESOURCE = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';

/** Fake Lambda functions by name (a thrown TaskFailure fails the task) and callback tasks that only send. */
export class FakeIntegrations implements TaskIntegration {
  readonly functions = new Map<string, (input: JsonValue) => JsonValue>();
  readonly callbacks: TaskRequest[] = [];
  flavor(resource: string): TaskFlavor | undefined {
    if (resource === CALLBACK_RESOURCE) return { kind: 'service', resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken', pattern: 'waitForTaskToken' };
    if (resource.startsWith(lambdaArn(''))) return { kind: 'lambda', resource };
    return undefined;
  }
  async invoke(request: TaskRequest): Promise<JsonValue> {
    if (request.resource === CALLBACK_RESOURCE) {
      this.callbacks.push(request);
      return {};
    }
    const fn = this.functions.get(request.resource.slice(lambdaArn('').length));
    if (!fn) throw new TaskFailure('Lambda.ResourceNotFoundException', `no fake function for ${request.resource}`);
    return fn(request.parameters);
  }
}

export interface ConsoleEnv {
  engine: Engine;
  server: ApiServer;
  fakes: FakeIntegrations;
  browser: Browser;
  page: Page;
  /** the console's URL for a hash route (`/machine/<arn>`...) */
  url(route?: string): string;
  createMachine(name: string, definition: object): string;
  teardown(): Promise<void>;
}

let built = false;

/** Builds console/dist once per test process when it is missing. */
export function ensureConsoleBuilt(): void {
  if (built || existsSync(join(DEFAULT_CONSOLE_DIR, 'index.html'))) return;
  const root = resolve(import.meta.dirname, '../../..');
  execFileSync(join(root, 'node_modules/.bin/vite'), ['build', '--config', 'console/vite.config.ts'], { cwd: root, stdio: 'inherit' });
  built = true;
}

export async function createConsoleEnv(): Promise<ConsoleEnv> {
  ensureConsoleBuilt();
  const fakes = new FakeIntegrations();
  const scheduler = new RealScheduler();
  const engine = new Engine({ database: ':memory:', scheduler, integrations: [fakes] });
  const server = await startApiServer({ engine });
  if (!server.consoleUrl) throw new Error('the API server did not find the built console');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.setDefaultTimeout(15_000);
  const timers: ReturnType<RealScheduler['setTimeout']>[] = [];
  const setTimer = scheduler.setTimeout.bind(scheduler);
  // executions left waiting at the end of a test must not keep the process alive
  scheduler.setTimeout = (fn, ms) => {
    const t = setTimer(fn, ms);
    timers.push(t);
    return t;
  };
  return {
    engine,
    server,
    fakes,
    browser,
    page,
    url: (route = '/') => `${server.consoleUrl}#${route}`,
    createMachine: (name, definition) => engine.createStateMachine({ name, roleArn: ROLE, definition: JSON.stringify(definition) }).arn,
    async teardown() {
      await browser.close();
      await server.close();
      for (const t of timers) t.cancel();
      engine.close();
    },
  };
}

export const machineRoute = (arn: string) => `/machine/${encodeURIComponent(arn)}`;
export const executionRoute = (arn: string) => `/execution/${encodeURIComponent(arn)}`;

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
}
