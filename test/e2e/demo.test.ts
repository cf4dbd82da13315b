/**
 * `npm start` (`longhaul demo`) as a user runs it: a process that boots the project's CDK app on
 * the local stack, uploads the sample report to the app's reports bucket, follows
 * longhaul-report-etl to its end and exits with its outcome.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll } from '@jest/globals';
import { projectAssembly } from '../../cli/serve.ts';
import { SYNTH_TIMEOUT_MS } from '../support/project-app.ts';

const CLI = resolve('cli/longhaul.ts');
const dirs: string[] = [];
// the demo synthesizes cdk.out when it is stale; once here, so no run's timing includes it
beforeAll(() => {
  projectAssembly(resolve('.'), () => {});
}, SYNTH_TIMEOUT_MS);
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function runDemo(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const data = mkdtempSync(join(tmpdir(), 'longhaul-demo-'));
  dirs.push(data);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', CLI, 'demo', '--data', data, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

/** The bucket the demo uploaded to, as it says: the app's reports bucket, whatever name CloudFormation gave it. */
function uploadBucket(stdout: string): string {
  return /to s3:\/\/([^/]+)\//.exec(stdout)?.[1] ?? '(no upload line)';
}

describe('npm start', () => {
  it('runs a 40-minute report ETL on the virtual clock to SUCCEEDED, showing its progress, and exits 0', async () => {
    const { code, stdout, stderr } = await runDemo('--virtual');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const progress = stdout.split('\n').filter((l) => l.startsWith('['));
    expect(progress.map((l) => l.replace(/^\[.*?\] +/, ''))).toEqual([
      'Begin', 'Init', 'UploadReport', 'UploadReport: waiting for its callback (task token)',
      'StartEtlJob', 'StartEtlJob: waiting for its callback (task token)', 'NotifySucceeded', 'Succeeded',
    ]);
    expect(progress.at(-1)).toMatch(/\| +41\.0min workflow\]/);
    expect(stdout).toMatch(/SUCCEEDED in .* of real time \(41\.0min of workflow time\)/);
    expect(uploadBucket(stdout)).toMatch(/^longhaul-report-etl-reports/);
    expect(stdout).toContain(`e-mail to ops@example.com: "Report loaded: s3://${uploadBucket(stdout)}/`);
    expect(stdout).toContain('Where to look next:');
  });

  it('exits 1 with the job error when the ETL job fails', async () => {
    const { code, stdout } = await runDemo('--virtual', '--fail-job');
    expect(code).toBe(1);
    expect(stdout).toContain('FAILED in');
    expect(stdout).toContain('error  ReportEtl.JobFailed');
    expect(stdout).toContain(`"Report ETL failed: s3://${uploadBucket(stdout)}/`);
  });

  it("runs on the real clock with the BI simulator's demo timings to SUCCEEDED and exits 0", async () => {
    const { code, stdout } = await runDemo();
    expect(code).toBe(0);
    expect(stdout).toContain("real clock, the BI simulator's demo timings");
    expect(stdout).toMatch(/SUCCEEDED in [\d.]+s of real time/);
    expect(stdout).toMatch(/First state entered [\d.]+m?s after the command started/);
    expect(stdout).toMatch(/npm run longhaul -- show arn:aws:states:us-east-1:\d{12}:execution:longhaul-report-etl:/);
    expect(stdout).toContain('npm run longhaul -- list longhaul-report-etl');
  });
});
