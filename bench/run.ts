/**
 * `npm run bench`: Longhaul (durable) next to aws-local-stepfunctions (in memory) on the same
 * definitions, the memory and restart cost of 100,000 waiting executions (BENCH_WAITING=n for another count), and a Distributed
 * Map over a 100,000-row CSV (BENCH_DMAP_ROWS=n). Prints figures and
 * ratios, never a verdict; bench/README.md says what each figure means.
 *
 *   BENCH_ROUNDS=n    rounds of the throughput figures (5)
 *   BENCH_WAITING=n   executions of the waiting figure (100000); a million takes about 3 minutes
 *                     more and 1.2 GB in the temp dir, deleted afterwards
 *
 * Every sample runs in a child process of its own (`process.execPath`, so the Node that runs this
 * file). Rounds interleave the two engines, alternating which goes first, so that load from other
 * processes on the machine falls on both alike; each figure is the median of the rounds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { TargetName, type RunResult } from './targets.ts';
import { WorkloadName } from './workloads.ts';

const ROUNDS = count('BENCH_ROUNDS', 5);
const WAITING = count('BENCH_WAITING', 100_000);
const DMAP_ROWS = count('BENCH_DMAP_ROWS', 100_000);
const here = import.meta.dirname;

/** A positive whole number from the environment (`1000000`, `1_000_000` or `1e6`), or the default. */
function count(name: string, fallback: number): number {
  const text = process.env[name]?.replaceAll('_', '');
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name}=${process.env[name]}: expected a positive whole number`);
  return n;
}

interface Sample extends RunResult {
  workload: WorkloadName;
  target: TargetName;
  units: number;
  unit: string;
}

function child<T>(script: string, args: string[], nodeFlags: string[] = []): T {
  const r = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', ...nodeFlags, join(here, script), ...args], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stderr}`);
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as T;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const rate = (s: Sample) => s.units / (s.ms / 1000);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

console.log(`Longhaul bench: Node ${process.version}, ${availableParallelism()} CPUs, ${ROUNDS} rounds, temp dir ${tmpdir()}`);
console.log('longhaul: SQLite file per run (WAL, synchronous=NORMAL), VirtualScheduler; aws-local-stepfunctions: in memory\n');

// ---- throughput: (a) loop, (b) map
const samples = new Map<string, Sample[]>();
const key = (w: WorkloadName, t: TargetName) => `${w}/${t}`;
const targets = Object.values(TargetName);
for (let round = 0; round < ROUNDS; round++) {
  for (const w of Object.values(WorkloadName)) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const t of order) {
      const s = child<Sample>('throughput.ts', [w, t]);
      if (!samples.has(key(w, t))) samples.set(key(w, t), []);
      samples.get(key(w, t))!.push(s);
      console.log(`round ${round + 1} ${w.padEnd(4)} ${t.padEnd(23)} ${fmt(s.ms).padStart(6)} ms  ${fmt(rate(s)).padStart(9)} ${s.unit}/s${s.journalMode ? `  journal=${s.journalMode}` : ''}`);
    }
  }
}

interface Figure { rate: number; ratio: number; unit: string }
const figures = {} as Record<WorkloadName, Figure>;
console.log('\nmedians (min..max) over rounds');
for (const w of Object.values(WorkloadName)) {
  const lh = samples.get(key(w, TargetName.Longhaul))!;
  const al = samples.get(key(w, TargetName.Alsf))!;
  const lhRate = median(lh.map(rate));
  const alRate = median(al.map(rate));
  figures[w] = { rate: lhRate, ratio: lhRate / alRate, unit: lh[0].unit };
  for (const [name, xs] of [[TargetName.Longhaul, lh], [TargetName.Alsf, al]] as const) {
    const rates = xs.map(rate);
    console.log(`  ${w.padEnd(4)} ${name.padEnd(23)} ${fmt(median(rates)).padStart(9)} ${xs[0].unit}/s (${fmt(Math.min(...rates))}..${fmt(Math.max(...rates))}), ${fmt(xs[0].units)} ${xs[0].unit}, ${fmt(xs[0].statesEntered)} states entered`);
  }
}

// ---- (c) WAITING (100,000) waiting executions: memory, then a restart in a new process
const dir = mkdtempSync(join(tmpdir(), 'longhaul-bench-wait-'));
let waiting: {
  rssMiB: number; rssPlainGcMiB: number; heapMiB: number; startedMs: number; waitingMs: number; timers: number; dbMiB: number; resident: number;
  resting: number; waiting: number;
};
let resumed: {
  rssMiB: number; heapMiB: number; openedMs: number; resumeAllMs: number; resumedMs: number; resumed: number; timers: number; waiting: number;
  resident: number; loaded: number; resting: number;
};
try {
  const db = join(dir, 'waiting.db');
  waiting = child('waiting.ts', ['start', db, String(WAITING)], ['--expose-gc']);
  resumed = child('waiting.ts', ['resume', db, String(WAITING)], ['--expose-gc']);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`\n${fmt(WAITING)} executions waiting ${'1 hour'} (RealScheduler, SQLite file):`);
console.log(`  started in ${fmt(waiting.startedMs / 1000, 2)} s (${fmt(WAITING / (waiting.startedMs / 1000))} starts/s, each committed before it returns), all committed waiting in ${fmt(waiting.waitingMs / 1000, 2)} s`);
console.log(`  ${fmt(waiting.waiting)} committed waiting, ${fmt(waiting.resident)} resident, ${fmt(waiting.resting)} resting in the store; ${fmt(waiting.timers)} timers armed; database ${fmt(waiting.dbMiB, 1)} MiB`);
console.log(`  memory: RSS +${fmt(waiting.rssMiB, 1)} MiB, heap +${fmt(waiting.heapMiB, 1)} MiB (${fmt((waiting.rssMiB * 1024 * 1024) / WAITING)} bytes RSS per execution); RSS +${fmt(waiting.rssPlainGcMiB, 1)} MiB after plain gc() only (heap pages V8 keeps from the burst of starts)`);
console.log(`  restart in a new process: Engine opened in ${fmt(resumed.openedMs)} ms, resumeAll() returned ${fmt(resumed.resumed)} after ${fmt(resumed.resumeAllMs)} ms, next event-loop turn at ${fmt(resumed.resumedMs)} ms`);
console.log(`  after resume: ${fmt(resumed.loaded)} loaded, ${fmt(resumed.resident)} resident, ${fmt(resumed.resting)} resting; ${fmt(resumed.timers)} timers armed, ${fmt(resumed.waiting)} committed waiting; RSS +${fmt(resumed.rssMiB, 1)} MiB, heap +${fmt(resumed.heapMiB, 1)} MiB`);

// ---- (d) a Distributed Map over a 100,000-row CSV (MaxConcurrency 1,000, ResultWriter), virtual clock
const dmapDir = mkdtempSync(join(tmpdir(), 'longhaul-bench-dmap-'));
let dmap: { rows: number; ms: number; itemsPerSecond: number; peakRssMiB: number; virtualSeconds: number };
try {
  dmap = child('distributed-map.ts', [join(dmapDir, 'dmap.db'), String(DMAP_ROWS)]);
} finally {
  rmSync(dmapDir, { recursive: true, force: true });
}
console.log(`\nDistributed Map over a ${fmt(DMAP_ROWS)}-row CSV (ItemReader, MaxConcurrency 1,000, each child a 1 s Wait and a Pass, ResultWriter; VirtualScheduler, SQLite file):`);
console.log(`  ${fmt(dmap.ms / 1000, 2)} s real for ${fmt(dmap.virtualSeconds)} s of workflow time; peak RSS ${fmt(dmap.peakRssMiB, 1)} MiB`);

console.log('');
console.log(`bench loop: ${Math.round(figures.loop.rate)} transitions/s (${figures.loop.ratio.toFixed(2)} x aws-local-stepfunctions)`);
console.log(`bench map: ${Math.round(figures.map.rate)} items/s (${figures.map.ratio.toFixed(2)} x aws-local-stepfunctions)`);
console.log(`bench waiting: ${waiting.rssMiB.toFixed(1)} MiB for ${WAITING} executions, resumed in ${(resumed.resumedMs / 1000).toFixed(3)} s`);
console.log(`bench distributed map: ${Math.round(dmap.itemsPerSecond)} items/s (peak RSS ${Math.round(dmap.peakRssMiB)} MiB)`);
