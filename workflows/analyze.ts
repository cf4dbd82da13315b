/**
 * The static check (`npm run asl:check`): for each workflow, the most history events and state
 * transitions one execution can record, from its state graph and the loop bounds its builders
 * declare. Fails (exit 1) when any can exceed the 25,000-event history limit, or when the graph has
 * a cycle no builder declared a bound for.
 *
 * Counted per state visit as the engine records them (and as AWS does): a Task is Entered,
 * Scheduled, Started, Succeeded or Failed, Exited (+ Submitted for `.waitForTaskToken` and
 * `.sync`), and each retry adds Scheduled, Started, Failed (+ Submitted); Pass, Choice and Wait are
 * Entered + Exited; Succeed adds ExecutionSucceeded, Fail is FailStateEntered + ExecutionFailed.
 * A loop counts every state in it once per iteration, `maxIterations` times: an upper bound.
 * Caveat: Parallel and Map are not analysed (no workflow uses them yet).
 */
import type { AslState, LoopBound, Workflow } from './patterns/asl.ts';

export const HISTORY_LIMIT = 25_000;

/** One row of the table. */
export interface WorkflowCost {
  workflow: string;
  /** worst-case history events of one execution */
  events: number;
  /** worst-case state transitions (states entered, retries included) of one execution */
  transitions: number;
  loops: string[];
}

interface Cost { events: number; transitions: number }

function retries(state: AslState): number {
  const retry = (state.Retry ?? []) as { MaxAttempts?: number }[];
  return retry.reduce((n, r) => n + (r.MaxAttempts ?? 3), 0);
}

/** The cost of one visit of a state, retries at their worst. */
export function stateCost(state: AslState): Cost {
  switch (state.Type) {
    case 'Task': {
      const waits = /\.(waitForTaskToken|sync(:\d+)?)$/.test(String(state.Resource));
      const attempt = 3 + (waits ? 1 : 0); // Scheduled, Started, [Submitted], Succeeded|Failed|TimedOut
      const r = retries(state);
      return { events: 2 + attempt * (1 + r), transitions: 1 + r };
    }
    case 'Pass': case 'Choice': case 'Wait': return { events: 2, transitions: 1 };
    case 'Succeed': return { events: 3, transitions: 1 };
    case 'Fail': return { events: 2, transitions: 1 };
    default: throw new Error(`analyze: ${state.Type} states are not analysed`);
  }
}

function successors(state: AslState): string[] {
  const out: string[] = [];
  if (typeof state.Next === 'string') out.push(state.Next);
  if (typeof state.Default === 'string') out.push(state.Default);
  for (const c of (state.Choices ?? []) as { Next: string }[]) out.push(c.Next);
  for (const c of (state.Catch ?? []) as { Next: string }[]) out.push(c.Next);
  return [...new Set(out)];
}

/** Strongly connected components (Tarjan), each a list of state names. */
function components(graph: Record<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of graph[v]) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); c.push(w); } while (w !== v);
      out.push(c);
    }
  };
  for (const v of Object.keys(graph)) if (!idx.has(v)) visit(v);
  return out;
}

/**
 * The worst-case cost of one execution of a workflow.
 *
 * @example
 * analyze(reportEtl()); // { workflow: 'report-etl', events: 18065, transitions: ..., loops: [...] }
 */
export function analyze(workflow: Workflow): WorkflowCost {
  const states = workflow.definition.States;
  const graph: Record<string, string[]> = {};
  for (const [name, state] of Object.entries(states)) graph[name] = successors(state);
  const comp = new Map<string, number>();
  const sccs = components(graph);
  sccs.forEach((c, i) => c.forEach((s) => comp.set(s, i)));
  const sccCost: Cost[] = sccs.map((c) => {
    const cyclic = c.length > 1 || graph[c[0]].includes(c[0]);
    const sum = c.reduce((a, s) => { const k = stateCost(states[s]); return { events: a.events + k.events, transitions: a.transitions + k.transitions }; }, { events: 0, transitions: 0 });
    if (!cyclic) return sum;
    const bound: LoopBound | undefined = workflow.loops.find((l) => c.every((s) => l.states.includes(s)));
    if (!bound) throw new Error(`analyze: ${workflow.name} has a loop with no declared bound: ${[...c].sort().join(', ')}`);
    return { events: sum.events * bound.maxIterations, transitions: sum.transitions * bound.maxIterations };
  });
  const memo = new Map<number, Cost>();
  const longest = (i: number): Cost => {
    const known = memo.get(i);
    if (known) return known;
    let best: Cost = { events: 0, transitions: 0 };
    for (const s of sccs[i]) {
      for (const t of graph[s]) {
        const j = comp.get(t)!;
        if (j === i) continue;
        const c = longest(j);
        best = { events: Math.max(best.events, c.events), transitions: Math.max(best.transitions, c.transitions) };
      }
    }
    const own = sccCost[i];
    const total = { events: own.events + best.events, transitions: own.transitions + best.transitions };
    memo.set(i, total);
    return total;
  };
  const worst = longest(comp.get(workflow.definition.StartAt)!);
  return {
    workflow: workflow.name,
    events: worst.events + 1, // ExecutionStarted
    transitions: worst.transitions,
    loops: workflow.loops.map((l) => `${l.states.join(' → ')} ≤ ${l.maxIterations}× (${l.reason})`),
  };
}

/** The table `npm run asl:check` prints. */
export function costTable(rows: WorkflowCost[]): string {
  const lines = [
    `| workflow | worst-case events | worst-case transitions | limit | ok | loops |`,
    `|---|---:|---:|---:|---|---|`,
    ...rows.map((r) => `| ${r.workflow} | ${r.events} | ${r.transitions} | ${HISTORY_LIMIT} | ${r.events <= HISTORY_LIMIT ? 'yes' : 'NO'} | ${r.loops.join('; ')} |`),
  ];
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { workflows } = await import('./index.ts');
  const rows = workflows().map(analyze);
  console.log(costTable(rows));
  if (rows.some((r) => r.events > HISTORY_LIMIT)) {
    console.error(`a workflow can exceed the ${HISTORY_LIMIT}-event history limit in one execution`);
    process.exit(1);
  }
}
