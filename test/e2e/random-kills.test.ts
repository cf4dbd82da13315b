/**
 * `longhaul serve` stopped at random moments — SIGKILL, SIGTERM or SIGINT, during its start or
 * while executions wait, run Lambda tasks, retry or fan out — and started again on the same data
 * folder, many times over. Every execution must end as it does in an uninterrupted run: the same
 * status and output, the same events (ids 1..n, none twice, one end). Tasks may run more than once
 * (at-least-once, as on AWS); steps never do.
 *
 * The moments come from a seeded generator; a failure prints the seed, and LONGHAUL_KILL_SEED=<n>
 * replays the same sequence of signals and delays.
 */
import { describe, it, expect } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { killAll, serve, spawnServe, type ServeProcess } from '../support/served.ts';

const STEPS = resolve('test/support/functions/steps.mjs');
const CYCLES = 10;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const task = (fn: string, rest: object = {}) => ({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: fn, 'Payload.$': '$' }, OutputPath: '$.Payload', ...rest });

/** Workflows that cover what a kill can cut: tasks, waits, a retry back-off, Map, Parallel, a loop. */
const workflows: Record<string, object> = {
  loop: {
    StartAt: 'Add',
    States: {
      Add: task('add', { Next: 'Pause' }),
      Pause: { Type: 'Wait', Seconds: 1, Next: 'More' },
      More: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: 4, Next: 'Add' }], Default: 'Done' },
      Done: { Type: 'Succeed' },
    },
  },
  fan: {
    StartAt: 'Each',
    States: {
      Each: { Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 2, ItemProcessor: { StartAt: 'AddItem', States: { AddItem: task('add', { End: true }) } }, ResultPath: '$.added', Next: 'Both' },
      Both: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'Left', States: { Left: task('add', { Next: 'LeftWait' }), LeftWait: { Type: 'Wait', Seconds: 1, End: true } } },
          { StartAt: 'Right', States: { Right: { Type: 'Wait', Seconds: 1, Next: 'RightAdd' }, RightAdd: task('add', { End: true }) } },
        ],
        End: true,
      },
    },
  },
  retry: {
    StartAt: 'Flaky',
    States: {
      Flaky: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'flaky', Payload: { 'retry.$': '$$.State.RetryCount' } },
        OutputPath: '$.Payload',
        Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 1 }],
        End: true,
      },
    },
  },
};
const inputs: Record<string, object> = {
  loop: { n: 0 },
  fan: { n: 10, items: [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }] },
  retry: {},
};
const RUNS = ['a', 'b'];

/** A project folder with the workflows and their functions. */
function project(): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'longhaul-kills-'));
  for (const [name, def] of Object.entries(workflows)) writeFileSync(join(dir, `${name}.asl.json`), JSON.stringify(def));
  const config = join(dir, 'longhaul.config.json');
  writeFileSync(config, JSON.stringify({
    functions: { add: { handler: `${STEPS}#add`, timeout: 10 }, flaky: { handler: `${STEPS}#flaky`, timeout: 10 } },
    stateMachines: Object.keys(workflows).map((name) => ({ name, definitionFile: `${name}.asl.json` })),
  }));
  return { dir, config };
}

const arnOf = (machine: string, run: string) => `arn:aws:states:us-east-1:123456789012:execution:${machine}:${machine}-${run}`;
const allArns = () => Object.keys(workflows).flatMap((m) => RUNS.map((r) => arnOf(m, r)));

async function startAll(api: string): Promise<void> {
  const sfn = new SFNClient({ endpoint: api, region: 'us-east-1', credentials });
  for (const machine of Object.keys(workflows)) {
    for (const run of RUNS) {
      await sfn.send(new StartExecutionCommand({ stateMachineArn: `arn:aws:states:us-east-1:123456789012:stateMachine:${machine}`, name: `${machine}-${run}`, input: JSON.stringify(inputs[machine]) }));
    }
  }
  sfn.destroy();
}

interface Ending {
  status: string;
  output?: string;
  error?: string;
  /** ids in order */
  ids: number[];
  /** event types, sorted: Map and Parallel children interleave differently from run to run */
  types: string[];
}

/** Every execution's ending, once none is running (or what they are after 60 s). */
async function endings(api: string): Promise<Record<string, Ending>> {
  const sfn = new SFNClient({ endpoint: api, region: 'us-east-1', credentials });
  const out: Record<string, Ending> = {};
  const deadline = Date.now() + 60_000;
  for (const executionArn of allArns()) {
    let d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    while (d.status === 'RUNNING' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    }
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    out[executionArn] = { status: d.status!, output: d.output, error: d.error, ids: events.map((e) => e.id!), types: events.map((e) => e.type!).sort() };
  }
  sfn.destroy();
  return out;
}

/** mulberry32: a small seeded generator, so a failing sequence can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a served stack stopped at random moments by SIGKILL, SIGTERM and SIGINT', () => {
  const seed = Number(process.env.LONGHAUL_KILL_SEED ?? Date.now() % 1_000_000);

  it(`ends every execution as an uninterrupted run does (seed ${seed})`, async () => {
    // Prepare: the uninterrupted run
    const calm = project();
    const killed = project();
    const live: ServeProcess[] = [];
    const random = seeded(seed);
    const log: string[] = [];
    try {
      const quiet = await serve(join(calm.dir, 'data'), ['--config', calm.config]);
      live.push(quiet);
      await startAll(quiet.api);
      const expected = await endings(quiet.api);
      await killAll(quiet);

      // Act: the same executions, stopped CYCLES times
      const data = join(killed.dir, 'data');
      const first = await serve(data, ['--config', killed.config]);
      live.push(first);
      await startAll(first.api);
      let current: ServeProcess = first;
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const signal = (['SIGKILL', 'SIGTERM', 'SIGINT'] as const)[Math.floor(random() * 3)];
        const delay = Math.floor(random() * 1500);
        log.push(`cycle ${cycle}: ${signal} after ${delay} ms`);
        await sleep(delay);
        current.child.kill(signal);
        const code = await current.exited;
        // a graceful stop of a stack that had started exits 0; one caught while starting may die of the signal
        if (signal !== 'SIGKILL' && current.output().includes('Stop with Ctrl-C')) expect({ cycle, signal, code }).toEqual({ cycle, signal, code: 0 });
        // every third restart is itself cut short while it starts
        current = random() < 0.33 ? spawnServe(data, ['--config', killed.config]) : await serve(data, ['--config', killed.config]);
        live.push(current);
        if (!current.output().includes('Stop with Ctrl-C')) {
          await sleep(Math.floor(random() * 400));
          current.child.kill('SIGKILL');
          await current.exited;
          log.push(`cycle ${cycle}: killed while starting`);
          current = await serve(data, ['--config', killed.config]);
          live.push(current);
        }
      }
      const actual = await endings((current as Awaited<ReturnType<typeof serve>>).api);

      // Assess
      for (const arn of allArns()) {
        const ending = actual[arn];
        expect({ arn, ids: ending.ids }).toEqual({ arn, ids: ending.ids.map((_, i) => i + 1) });
        expect({ arn, seed, ...ending }).toEqual({ arn, seed, ...expected[arn] });
      }
    } catch (e) {
      throw new Error(`seed ${seed} (LONGHAUL_KILL_SEED=${seed} replays it)\n${log.join('\n')}\n${(e as Error).message}`, { cause: e });
    } finally {
      await killAll(...live);
      for (const p of [calm, killed]) rmSync(p.dir, { recursive: true, force: true });
    }
  }, 240_000);
});
