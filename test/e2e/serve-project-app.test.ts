/**
 * The project's own app as a developer runs it: `longhaul serve --app cdk.out` with
 * longhaul.config.json's overlay, then `longhaul upload --follow` — the upload goes to the app's
 * reports bucket and through the rule, the trigger queue and start-from-s3 to report-etl, exactly
 * as deployed, with the functions reaching the local BI simulator instead of the deployed service.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { killAll, serve, type Served } from '../support/served.ts';
import { projectApp, SYNTH_TIMEOUT_MS } from '../support/project-app.ts';

const dir = mkdtempSync(join(tmpdir(), 'longhaul-project-app-'));
const data = join(dir, 'data');
let app: string;
let served: Served | undefined;
beforeAll(() => {
  app = projectApp();
}, SYNTH_TIMEOUT_MS);
afterAll(async () => {
  await killAll(served);
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI to its end (at most `ms`); answers its exit code and output. */
function cli(args: string[], ms: number): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', resolve('cli/longhaul.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  return new Promise((r) => child.on('exit', (code) => {
    clearTimeout(timer);
    r({ code, out });
  }));
}

describe('longhaul serve --app with the project\'s app', () => {
  it('serves the three workflows, and an upload to the app\'s reports bucket runs report-etl to SUCCEEDED', async () => {
    // Prepare
    served = await serve(data, ['--app', app, '--config', 'longhaul.config.json']);
    const recorded = JSON.parse(readFileSync(join(data, 'endpoints.json'), 'utf8')) as { uploadBucket?: string };
    // Act
    const upload = await cli(['upload', 'cli/demo/q3-sales.csv', '--follow', '--data', data], 60_000);
    // Assess
    expect(served.output()).toMatch(/state machines +longhaul-report-etl, longhaul-queue-drain, longhaul-nightly-export/);
    expect(recorded.uploadBucket).toMatch(/^longhaul-report-etl-reports/);
    expect(upload.out).toContain(`uploaded s3://${recorded.uploadBucket}/reports/q3-sales.csv`);
    expect(upload.out).toMatch(/execution:longhaul-report-etl:/);
    expect([upload.code, upload.out.trim().split('\n').at(-1)]).toEqual([0, 'SUCCEEDED']);
  }, 90_000);
});
