/**
 * Child process for the waiting-executions figure, one phase per process so that each RSS
 * reading belongs to one engine alone and the resume is a real restart:
 *
 *   node --expose-gc bench/waiting.ts start  <db> <count>   start <count> executions that Wait an hour
 *   node --expose-gc bench/waiting.ts resume <db> <count>   reopen the file and resumeAll()
 *
 * Both run on a RealScheduler: a virtual clock would skip the hour as soon as everything waits.
 * Each prints one JSON line.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DatabaseSync } from 'node:sqlite';
import { statSync } from 'node:fs';
import { Engine } from '../engine/engine.ts';
import { RealScheduler } from '../engine/runtime/clock.ts';
import { ROLE_ARN, waitDefinition } from './workloads.ts';

const MiB = 1024 * 1024;

const [phase, database, countText] = process.argv.slice(2);
const count = Number(countText);
if ((phase !== 'start' && phase !== 'resume') || !database || !Number.isInteger(count)) {
  throw new Error('usage: waiting.ts <start|resume> <db> <count>');
}
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

function settledMemory(): { rss: number; heap: number } {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

/**
 * Executions whose Wait is committed, read through a connection of its own so that only
 * committed rows count: RUNNING rows whose history chunks hold a WaitStateEntered event.
 */
function committedWaiting(observer: DatabaseSync): number {
  const row = observer.prepare(`SELECT count(*) AS n FROM executions x WHERE x.status = 'RUNNING' AND EXISTS (
    SELECT 1 FROM history h, json_each(h.body) e WHERE h.execution_id = x.id AND e.value ->> 0 = 'WaitStateEntered')`).get() as { n: number };
  return Number(row.n);
}

function armedTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

if (phase === 'start') {
  const engine = new Engine({ database, scheduler: new RealScheduler() });
  const sm = engine.createStateMachine({ name: 'bench-wait', definition: JSON.stringify(waitDefinition), roleArn: ROLE_ARN });
  const before = settledMemory();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) engine.startExecution({ stateMachineArn: sm.arn, name: `wait-${i}`, input: `{"n":${i}}` });
  const startedMs = performance.now() - t0;
  const observer = new DatabaseSync(database, { readOnly: true });
  while (committedWaiting(observer) < count) await nextTurn();
  const waitingMs = performance.now() - t0;
  observer.close();
  const after = settledMemory();
  const timers = armedTimers();
  engine.close();
  process.stdout.write(JSON.stringify({
    phase, count, startedMs, waitingMs, timers,
    rssMiB: (after.rss - before.rss) / MiB, heapMiB: (after.heap - before.heap) / MiB, rssTotalMiB: after.rss / MiB,
    dbMiB: statSync(database).size / MiB,
  }) + '\n');
  // the hour-long timers would keep the process alive
  process.exit(0);
} else {
  const before = settledMemory();
  const t0 = performance.now();
  const engine = new Engine({ database, scheduler: new RealScheduler() });
  const openedMs = performance.now() - t0;
  const resumed = engine.resumeAll();
  const resumeAllMs = performance.now() - t0;
  // one event-loop turn: any commit the resumed executions scheduled lands in it
  await nextTurn();
  const resumedMs = performance.now() - t0;
  const timers = armedTimers();
  const observer = new DatabaseSync(database, { readOnly: true });
  const waiting = committedWaiting(observer);
  observer.close();
  const after = settledMemory();
  engine.close();
  process.stdout.write(JSON.stringify({
    phase, count, resumed, openedMs, resumeAllMs, resumedMs, timers, waiting,
    rssMiB: (after.rss - before.rss) / MiB, heapMiB: (after.heap - before.heap) / MiB, rssTotalMiB: after.rss / MiB,
  }) + '\n');
  process.exit(0);
}
