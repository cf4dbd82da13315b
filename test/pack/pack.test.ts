/**
 * The package as a user gets it: `npm pack`, the tarball installed into a scratch project outside
 * the repository (its dependencies from the registry, as the tarball names them), and there a
 * small Jest suite on `longhaul/testing`, a type check of the exports, and the `longhaul` bin.
 * One pack and one install for the whole file: they take most of its time.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
// Node 24 first on the PATH: the bin's `#!/usr/bin/env node` and npm's scripts must find it
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, NODE_OPTIONS: '' };
const MINUTE = 60_000;

let scratch: string;
let tarball: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'longhaul-pack-'));
  const packDir = join(scratch, 'pack');
  const project = join(scratch, 'project');
  mkdirSync(packDir);
  cpSync(join(repo, 'test/pack/scratch'), project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  // prepack's build without its console rebuild: other tests may be serving console/dist meanwhile
  await run('npm', ['run', '--silent', 'build'], { cwd: repo, env });
  await run('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir, '--silent'], { cwd: repo, env });
  tarball = join(packDir, readdirSync(packDir).find((f) => f.endsWith('.tgz'))!);
  await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], { cwd: project, env });
}, 4 * MINUTE);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const project = () => join(scratch, 'project');

describe('the packed longhaul package', () => {
  it('holds built JavaScript, declarations and the console, without the kit\'s own workflows, handlers, infra or tests', async () => {
    const { stdout } = await run('tar', ['tzf', tarball]);
    const files = stdout.trim().split('\n');
    expect(files).toEqual(expect.arrayContaining([
      'package/dist/engine/engine.js', 'package/dist/engine/engine.d.ts', 'package/dist/testing/index.js', 'package/dist/testing/jest.d.ts',
      'package/dist/cli/longhaul.js', 'package/dist/console/dist/index.html',
    ]));
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('package/templates/'))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['package/templates/init/workflows/example-job.ts', 'package/templates/init/test/example-job.test.ts']));
    expect(files.filter((f) => /^package\/(asl|workflows|handlers|infra|test|bench)\//.test(f))).toEqual([]);
  });

  it('runs a Jest suite on longhaul/testing in the scratch project', async () => {
    const { stdout, stderr } = await run(process.execPath, [join(repo, 'node_modules/jest/bin/jest.js'), '--rootDir', project(), '--ci'], {
      cwd: project(), env: { ...env, NODE_OPTIONS: '--experimental-vm-modules --disable-warning=ExperimentalWarning' },
    });
    expect(`${stdout}${stderr}`).toMatch(/Tests:\s+3 passed, 3 total/);
  }, 2 * MINUTE);

  it('reads the state machine coverage of that suite, written by the packaged jest reporter', () => {
    // the previous test's run wrote it; its reporter keeps only the machines it includes
    const dir = join(project(), 'coverage/longhaul');
    const report = JSON.parse(readFileSync(join(dir, 'coverage.json'), 'utf8')) as { definitions: { name: string; summary: { percent: number } }[] };
    expect(report.definitions.map((d) => [d.name, d.summary.percent])).toEqual([['etl', 100], ['hourly', 100]]);
    expect(readFileSync(join(dir, 'summary.txt'), 'utf8')).toMatch(/etl/);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['index.html', 'lcov.info']));
  });

  it('types its exports', async () => {
    await expect(run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', project()], { cwd: project(), env })).resolves.toBeDefined();
  }, MINUTE);

  it('installs the longhaul command', async () => {
    const { stdout } = await run('npx', ['--no-install', 'longhaul', '--help'], { cwd: project(), env });
    for (const command of ['serve', 'exec', 'start', 'show', 'list', 'redrive']) expect(stdout).toMatch(new RegExp(`^\\s+${command} `, 'm'));
  }, MINUTE);

  it('serves the local stack with its console, and runs a Lambda function in its sandbox', async () => {
    const child = spawn(process.execPath, [join(project(), 'node_modules/longhaul/dist/cli/longhaul.js'), 'serve', '--port', '0', '--data', join(scratch, 'data')], { cwd: project(), env });
    try {
      let banner = '';
      child.stdout.setEncoding('utf8');
      const api = await new Promise<string>((ready, fail) => {
        child.stdout.on('data', (chunk: string) => {
          banner += chunk;
          const url = /Step Functions API\s+(http:\S+)/.exec(banner);
          if (url && banner.includes('Stop with Ctrl-C')) ready(url[1]);
        });
        child.once('exit', () => fail(new Error(`serve ended before it listened: ${banner}`)));
      });
      expect((await fetch(`${api}/console/`)).status).toBe(200);
      const call = async (action: string, body: object) => (await fetch(api, {
        method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}` }, body: JSON.stringify(body),
      })).json() as Promise<Record<string, string>>;
      const { executionArn } = await call('StartExecution', { stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:notify', input: '{}' });
      let described: Record<string, string> = {};
      for (let i = 0; i < 200 && (described.status ?? 'RUNNING') === 'RUNNING'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        described = await call('DescribeExecution', { executionArn });
      }
      expect(described).toMatchObject({ status: 'SUCCEEDED', output: '{"sent":true}' });
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      await exited;
    }
  }, MINUTE);

  describe('longhaul init', () => {
    const app = () => join(scratch, 'app');

    it('scaffolds a project whose own tests pass against the package: the example job on the virtual clock, a retry, its coverage', async () => {
      // the scaffold's dev dependencies are the kit's own (jest, swc, typescript, aws-cdk-lib): the npm cache has them
      // no --longhaul: the scaffold depends on longhaul as the project it was made from does (the tarball)
      await run('npx', ['--no-install', 'longhaul', 'init', app()], { cwd: project(), env });
      expect((JSON.parse(readFileSync(join(app(), 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies.longhaul).toBe(`file:${tarball}`);
      await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: app(), env });

      const { stdout, stderr } = await run('npm', ['test'], { cwd: app(), env });

      expect(`${stdout}${stderr}`).toMatch(/Tests:\s+6 passed, 6 total/);
      expect(`${stdout}${stderr}`).toMatch(/example-job\s+100%/);
      await expect(run('npm', ['run', 'typecheck'], { cwd: app(), env })).resolves.toBeDefined();
    }, 3 * MINUTE);

    it('refuses a folder that is not empty, unless --force', async () => {
      const init = (...args: string[]) => run('npx', ['--no-install', 'longhaul', 'init', app(), ...args], { cwd: project(), env });
      await expect(init()).rejects.toThrow(/is not empty: .*--force/);
      await expect(init('--force', '--longhaul', `file:${tarball}`)).resolves.toBeDefined();
    }, MINUTE);

    it('leaves out infra/, its test and the CDK dependencies with --no-infra', async () => {
      const lean = join(scratch, 'lean');
      await run('npx', ['--no-install', 'longhaul', 'init', lean, '--no-infra'], { cwd: project(), env });

      expect(readdirSync(lean).sort()).toEqual(['.gitignore', 'README.md', 'asl', 'handlers', 'jest.config.js', 'package.json', 'test', 'tsconfig.json', 'workflows']);
      expect(readdirSync(join(lean, 'test'))).toEqual(['example-job.test.ts']);
      const { devDependencies } = JSON.parse(readFileSync(join(lean, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
      expect(Object.keys(devDependencies)).not.toContain('aws-cdk-lib');
      // made from the scratch project, it depends on longhaul as that project does
      expect(devDependencies.longhaul).toBe(`file:${tarball}`);
    }, MINUTE);
  });
});
