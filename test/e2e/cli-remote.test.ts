/**
 * The CLI against a served stack: a manual start with JSON input, list, show, redrive and re-run,
 * an upload followed to its end, and `npm start` using the served stack, each as a user types it.
 */
import { beforeAll, describe, it, expect } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { endpointsFile, type Endpoints } from '../../cli/remote.ts';
import { projectAssembly } from '../../cli/serve.ts';
import { SYNTH_TIMEOUT_MS } from '../support/project-app.ts';

const CLI = resolve('cli/longhaul.ts');
const CONFIG = resolve('test/e2e/fixtures/cli-stack/longhaul.config.json');

function longhaul(data: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', CLI, ...args, '--data', data], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 150));
  }
}

// serve without --app runs the project's app: synthesized once here, so no start waits for it
beforeAll(() => {
  projectAssembly(process.cwd(), () => {});
}, SYNTH_TIMEOUT_MS);

describe('the longhaul CLI against a running stack', () => {
  it('starts with JSON input, lists, shows, redrives and re-runs executions', async () => {
    // Prepare
    const data = mkdtempSync(join(tmpdir(), 'longhaul-cli-'));
    const server = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', CLI, 'serve', '--port', '0', '--data', data, '--config', CONFIG], { stdio: ['ignore', 'pipe', 'inherit'] });
    let banner = '';
    server.stdout!.on('data', (d: Buffer) => (banner += d.toString()));
    try {
      await until(() => banner.includes('Stop with Ctrl-C'));

      // Act
      const started = longhaul(data, 'start', 'flaky', '--input', '{"report":"q3"}', '--name', 'by-hand');
      const arn = started.out.trim();
      await until(() => longhaul(data, 'show', arn).out.includes('FAILED'));
      const failed = longhaul(data, 'show', arn);
      const redriven = longhaul(data, 'redrive', arn);
      await until(() => longhaul(data, 'show', arn).out.includes('SUCCEEDED'));
      const succeeded = longhaul(data, 'show', arn);
      const rerun = longhaul(data, 'rerun', arn, '--name', 'again');
      const listed = longhaul(data, 'list', 'flaky');
      const badInput = longhaul(data, 'start', 'flaky', '--input', '{nope');

      // Assess
      expect(started.code).toBe(0);
      expect(arn).toBe('arn:aws:states:us-east-1:123456789012:execution:flaky:by-hand');
      expect(failed.out).toContain('error:  States.Runtime');
      expect(redriven.code).toBe(0);
      expect(succeeded.out).toContain('output: {"picked":"first"}');
      expect(succeeded.out).toContain('ExecutionRedriven');
      expect(rerun.out.trim()).toBe('arn:aws:states:us-east-1:123456789012:execution:flaky:again');
      expect(listed.out).toContain(':flaky:by-hand');
      expect(listed.out).toContain(':flaky:again');
      expect(badInput.code).toBe(1);
      expect(badInput.err).toContain('not valid JSON');
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.on('exit', r));
      rmSync(data, { recursive: true, force: true });
    }
  }, 90_000);

  it('serves the project stack: an upload starts report-etl and is followed to its end, and npm start uses the served stack', async () => {
    // Prepare: serve the project's app (the default) with longhaul.config.json's overlay and the BI simulator's demo timings
    const data = mkdtempSync(join(tmpdir(), 'longhaul-cli-'));
    const server = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', CLI, 'serve', '--port', '0', '--data', data], { stdio: ['ignore', 'pipe', 'inherit'] });
    let banner = '';
    server.stdout!.on('data', (d: Buffer) => (banner += d.toString()));
    try {
      await until(() => banner.includes('Stop with Ctrl-C'));
      const bucket = (JSON.parse(readFileSync(endpointsFile(data), 'utf8')) as Endpoints).uploadBucket!;
      // Act
      const uploaded = longhaul(data, 'upload', 'cli/demo/q3-sales.csv', '--key', 'q3/by-cli.csv', '--follow');
      const demo = longhaul(data, 'demo');
      const listed = longhaul(data, 'list', 'longhaul-report-etl', '--status', 'SUCCEEDED');
      // Assess
      expect(banner).toContain('longhaul-report-etl, longhaul-queue-drain, longhaul-nightly-export');
      expect(bucket).toMatch(/^longhaul-report-etl-reports/);
      expect(uploaded.code).toBe(0);
      expect(uploaded.out.startsWith(`uploaded s3://${bucket}/q3/by-cli.csv\n`)).toBe(true);
      expect(uploaded.out).toMatch(/\narn:aws:states:us-east-1:\d{12}:execution:longhaul-report-etl:/);
      expect(uploaded.out).toContain('StartEtlJob: waiting for its callback (task token)');
      expect(uploaded.out.trim().split('\n').at(-1)).toBe('SUCCEEDED');
      expect(demo.code).toBe(0);
      expect(demo.out).toContain(`Using the local stack already served from ${data}`);
      expect(listed.out.trim().split('\n')).toHaveLength(2);
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.on('exit', r));
      rmSync(data, { recursive: true, force: true });
    }
  }, 90_000);
});
