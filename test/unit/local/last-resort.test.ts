/**
 * The last-resort guard keeps `longhaul serve` up: an exception thrown from a timer and a
 * rejection nobody handles are logged with their stacks, and the process goes on answering.
 * Run in a child process, since the failures it survives would end this one.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('./fixtures/guarded-server.ts', import.meta.url));

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

describe('the last-resort guard', () => {
  it('logs an uncaught exception and an unhandled rejection with their stacks, and the server keeps answering', async () => {
    // Prepare
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', SERVER], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const survived = new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('SURVIVED\n')) resolve(stdout);
      });
      void exited.then((code) => reject(new Error(`the server exited (${code}): ${stderr}`)));
    });

    // Act
    const port = /PORT (\d+)/.exec(await survived)![1];
    const answer = await (await fetch(`http://127.0.0.1:${port}/`)).text();

    // Assess
    expect(answer).toBe('still here');
    expect(stderr).toMatch(/uncaught exception.*\n?.*Error: boom from a timer\n\s+at /);
    expect(stderr).toMatch(/unhandled promise rejection.*\n?.*Error: rejected and never handled\n\s+at /);
    expect(child.exitCode).toBeNull();
  });
});
