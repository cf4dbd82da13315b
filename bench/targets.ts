/**
 * The two engines under measurement, behind one shape: run a workload once, return the time it
 * took and the proof that it ran.
 *
 * Longhaul runs durable: a fresh SQLite file per run in a temp directory (WAL, synchronous=NORMAL,
 * as engine/store sets it), a VirtualScheduler. aws-local-stepfunctions runs in memory, its only mode.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import { Engine } from '../engine/engine.ts';
import { VirtualScheduler } from '../engine/runtime/clock.ts';
import { ROLE_ARN, type Workload } from './workloads.ts';

export const TargetName = { Longhaul: 'longhaul', Alsf: 'aws-local-stepfunctions' } as const;
export type TargetName = (typeof TargetName)[keyof typeof TargetName];

/** Called around the timed part of a run (bench/profile.ts starts and stops the CPU profiler). */
export interface TimedProbe {
  begin(): Promise<void>;
  end(): Promise<void>;
}

export interface RunResult {
  /** wall time from the first start to the last execution's end, ms */
  ms: number;
  /** states entered by all executions, as counted (Longhaul: from committed history) or as implied by the checked output */
  statesEntered: number;
  /** Longhaul only: the store's journal mode, to show the run was durable */
  journalMode?: string;
}

/** Runs a workload's executions together on a durable Longhaul engine over a fresh database file. */
export async function runLonghaul(w: Workload, probe?: TimedProbe): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'longhaul-bench-'));
  const engine = new Engine({ database: join(dir, 'bench.db'), scheduler: new VirtualScheduler() });
  try {
    const sm = engine.createStateMachine({ name: `bench-${w.name}`, definition: JSON.stringify(w.definition), roleArn: ROLE_ARN });
    const input = JSON.stringify(w.input);
    await probe?.begin();
    const t0 = performance.now();
    const arns: string[] = [];
    for (let i = 0; i < w.executions; i++) arns.push(engine.startExecution({ stateMachineArn: sm.arn, name: `run-${i}`, input }).executionArn);
    const outcomes = await Promise.all(arns.map((arn) => engine.waitFor(arn)));
    const ms = performance.now() - t0;
    await probe?.end();

    let statesEntered = 0;
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status !== 'SUCCEEDED') throw new Error(`longhaul ${w.name} execution ${i} ended ${outcome.status}: ${outcome.error} ${outcome.cause}`);
      w.checkOutput(outcome.output);
      const entered = engine.history(arns[i]).filter((e) => e.type.endsWith('StateEntered')).length;
      if (entered !== w.statesEnteredPerExecution) throw new Error(`longhaul ${w.name} execution ${i} entered ${entered} states, expected ${w.statesEnteredPerExecution}`);
      statesEntered += entered;
    }
    const journalMode = (engine.store.db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode;
    return { ms, statesEntered, journalMode };
  } finally {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a workload's executions together on aws-local-stepfunctions (in memory). */
export async function runAlsf(w: Workload, probe?: TimedProbe): Promise<RunResult> {
  // checkPaths off: its path validator rejects nothing here, but it is not what is being measured
  const machine = new StateMachine(w.definition as never, { validationOptions: { checkPaths: false } });
  await probe?.begin();
  const t0 = performance.now();
  const outputs = await Promise.all(Array.from({ length: w.executions }, () => machine.run(structuredClone(w.input)).result));
  const ms = performance.now() - t0;
  await probe?.end();
  for (const output of outputs) w.checkOutput(output);
  return { ms, statesEntered: w.statesEnteredPerExecution * w.executions };
}

export function runTarget(target: TargetName, w: Workload, probe?: TimedProbe): Promise<RunResult> {
  return target === TargetName.Longhaul ? runLonghaul(w, probe) : runAlsf(w, probe);
}
