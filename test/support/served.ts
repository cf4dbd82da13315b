/**
 * `longhaul serve` as a child process, the way a user runs it: started on free ports on a data
 * folder, read from what it prints, stopped with a signal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const CLI = resolve('cli/longhaul.ts');

export interface Served {
  child: ChildProcess;
  api: string;
  services: string;
  /** what it printed so far, stdout and stderr */
  output(): string;
  exited: Promise<number | null>;
}

export interface ServeProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Spawns `longhaul serve --port 0 --data DATA ...args` and answers as soon as it runs. */
export function spawnServe(data: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env): ServeProcess {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', CLI, 'serve', '--port', '0', '--data', data, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

/**
 * Starts `longhaul serve` on `data` and resolves once it prints its endpoints; rejects with what it
 * printed when it exits first or takes longer than 20 s.
 */
export async function serve(data: string, args: string[] = [], env?: NodeJS.ProcessEnv): Promise<Served> {
  const p = spawnServe(data, args, env);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const out = p.output();
    const api = /Step Functions API\s+(\S+)/.exec(out)?.[1];
    const services = /S3 \/ SQS \/ SNS\s+(\S+)/.exec(out)?.[1];
    if (api && services && out.includes('Stop with Ctrl-C')) return { ...p, api, services };
    if (p.child.exitCode !== null || Date.now() > deadline) {
      p.child.kill('SIGKILL');
      throw new Error(`serve did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Kills what is still running of `served` and waits for it to go. */
export async function killAll(...served: (ServeProcess | undefined)[]): Promise<void> {
  for (const s of served) if (s && s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  await Promise.all(served.map((s) => s?.exited));
}
