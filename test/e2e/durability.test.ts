import { describe, it, expect } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Engine } from '../../engine/engine.ts';
import { VirtualScheduler } from '../../engine/runtime/clock.ts';
import { CALLBACK_OUTPUT, ROLE, callbackIntegration, flakyIntegration, inputs, workflows } from './fixtures/durable-workflows.ts';

const WORKER = resolve('test/e2e/fixtures/durable-worker.ts');

interface RunResult {
  arn: string;
  outcome: { status: string; output?: unknown };
  events: { id: number; type: string }[];
}

function worker(args: string[]): { child: ChildProcess; lines: string[]; waitFor: (prefix: string) => Promise<string>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', WORKER, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: { prefix: string; resolve: (l: string) => void }[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of waiters.filter((x) => line.startsWith(x.prefix))) w.resolve(line);
    }
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, lines, exited, waitFor: (prefix) => new Promise((r) => waiters.push({ prefix, resolve: r })) };
}

/** The same executions, run without interruption on a virtual clock. */
async function uninterrupted(): Promise<Map<string, RunResult>> {
  const engine = new Engine({ scheduler: new VirtualScheduler() });
  engine.integrations.register(callbackIntegration((token) => setImmediate(() => engine.sendTaskSuccess(token, CALLBACK_OUTPUT))));
  engine.integrations.register(flakyIntegration);
  const out = new Map<string, RunResult>();
  for (const [name, def] of Object.entries(workflows)) {
    const sm = engine.createStateMachine({ name, definition: JSON.stringify(def), roleArn: ROLE });
    const { executionArn } = engine.startExecution({ stateMachineArn: sm.arn, name: `${name}-run`, input: JSON.stringify(inputs[name]) });
    const outcome = await engine.waitFor(executionArn);
    out.set(executionArn, { arn: executionArn, outcome, events: engine.history(executionArn).map((e) => ({ id: e.id, type: e.type })) });
  }
  engine.close();
  return out;
}

describe('an engine killed with SIGKILL', () => {
  it('resumes every execution from its last commit, with the same outputs and no step twice', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'longhaul-durability-'));
    const db = join(dir, 'engine.db');
    const tokens = join(dir, 'tokens');
    const expected = await uninterrupted();
    try {
      // Act: start, let the executions reach their waits, kill, start again
      const first = worker(['start', db, tokens]);
      await first.waitFor('STARTED');
      await new Promise((r) => setTimeout(r, 1500));
      first.child.kill('SIGKILL');
      await first.exited;
      const second = worker(['resume', db, tokens]);
      const resumedLine = await second.waitFor('RESUMED');
      const code = await second.exited;

      // Assess
      expect(code).toBe(0);
      const [, resumedNow, resting] = /^RESUMED (\d+) RESTING (\d+)$/.exec(resumedLine)!.map(Number);
      expect(resumedNow + resting).toBe(4);
      const results = second.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as RunResult);
      expect(results).toHaveLength(4);
      for (const r of results) {
        const want = expected.get(r.arn)!;
        expect(r.outcome).toEqual(want.outcome);
        expect(r.events.map((e) => e.type)).toEqual(want.events.map((e) => e.type));
        expect(r.events.map((e) => e.id)).toEqual(r.events.map((_, i) => i + 1));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
