/**
 * Child process for the waiting-executions figure, one phase per process so that each RSS
 * reading belongs to one engine alone and the resume is a real restart:
 *
 *   node --expose-gc bench/waiting.ts start  <db> <count>   start <count> executions that Wait an hour
 *   node --expose-gc bench/waiting.ts resume <db> <count>   reopen the file and resumeAll()
 *
 * Both run on a RealScheduler: a virtual clock would skip the hour as soon as everything waits.
 * Each prints one JSON line.
 *
 * Executions are started in batches of START_BATCH, one batch per event-loop turn, as requests
 * arrive: an execution rests in the store once its Wait is committed, so memory follows the
 * executions being started, not the ones that sleep.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DatabaseSync } from 'node:sqlite';
import { statSync } from 'node:fs';
import { Engine } from '../engine/engine.ts';
import { RealScheduler } from '../engine/runtime/clock.ts';
import { ROLE_ARN, waitDefinition } from './workloads.ts';

const MiB = 1024 * 1024;
const START_BATCH = 1_000;

const [phase, database, countText] = process.argv.slice(2);
const count = Number(countText);
if ((phase !== 'start' && phase !== 'resume') || !database || !Number.isInteger(count)) {
  throw new Error('usage: waiting.ts <start|resume> <db> <count>');
}
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

/**
 * Memory once garbage is collected. Two plain gc() calls leave the pages V8 grew its heap to
 * during a burst of starts pooled in the process (and counted in RSS); a last-resort collection
 * (V8's CollectAllAvailableGarbage) returns them, so that what remains is what is held. Both are
 * reported: `rss` after the last-resort collection, `rssPlainGc` after the two plain calls.
 *
 * The pool is V8's, not the engine's: /proc/self/smaps shows it as some 900 mappings of 256 KiB
 * (V8's page size) at 100,000 starts while heapTotal is back to 14 MiB, and it stays after V8's
 * memory reducer has run. It moves from run to run (200 to 540 MiB) and is no larger at a million
 * starts than at 100,000: it follows the burst, not the executions.
 */
function settledMemory(): { rss: number; rssPlainGc: number; heap: number; heapTotal: number; external: number } {
  gc!();
  gc!();
  const rssPlainGc = process.memoryUsage().rss;
  (gc as unknown as (opts: { type: string; execution: string; flavor: string }) => void)({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  const m = process.memoryUsage();
  return { rss: m.rss, rssPlainGc, heap: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
}

/**
 * Executions whose Wait is committed, read through a connection of its own so that only
 * committed rows count: RUNNING rows whose history chunks hold a WaitStateEntered event. It reads
 * every execution's history (seconds at a million), so it checks once, after the figures are read.
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
  for (let i = 0; i < count; i++) {
    engine.startExecution({ stateMachineArn: sm.arn, name: `wait-${i}`, input: `{"n":${i}}` });
    if ((i + 1) % START_BATCH === 0) await nextTurn();
  }
  const startedMs = performance.now() - t0;
  // an execution leaves the resident ones once it rests (its Wait committed) or ends (checked below)
  while (engine.residentCount() > 0) await nextTurn();
  const waitingMs = performance.now() - t0;
  const after = settledMemory();
  const timers = armedTimers();
  const resident = engine.residentCount();
  const resting = engine.store.restingCount();
  engine.close();
  const observer = new DatabaseSync(database, { readOnly: true });
  const waiting = committedWaiting(observer);
  observer.close();
  if (waiting !== count) throw new Error(`${waiting} of ${count} executions are committed waiting`);
  process.stdout.write(JSON.stringify({
    phase, count, startedMs, waitingMs, timers, waiting, resident, resting, rssPlainGcMiB: (after.rssPlainGc - before.rssPlainGc) / MiB,
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
  const after = settledMemory();
  const resident = engine.residentCount();
  const loaded = engine.loadedCount;
  const resting = engine.store.restingCount();
  engine.close();
  const observer = new DatabaseSync(database, { readOnly: true });
  const waiting = committedWaiting(observer);
  observer.close();
  process.stdout.write(JSON.stringify({
    phase, count, resumed, openedMs, resumeAllMs, resumedMs, timers, waiting, resident, loaded, resting,
    rssMiB: (after.rss - before.rss) / MiB, heapMiB: (after.heap - before.heap) / MiB, rssTotalMiB: after.rss / MiB,
  }) + '\n');
  process.exit(0);
}
