/**
 * State machine coverage: which states, Choice rules, retriers, catchers and branches a set of
 * executions exercised, computed from their histories and the definition they ran. Pure: plain
 * history events (as GetExecutionHistory serves them, payloads optional) in, plain data out.
 *
 * What the history does not say is inferred, as a reader of the console would:
 * - the Choice rule taken is the rule whose Next is the state entered right after the Choice
 *   (rules that share a Next are all credited: the history cannot tell them apart);
 * - a retrier fired when a failure is followed by a new attempt of the same state entry, and it
 *   is the one recovery.ts would pick for that error (errorMatches, first match wins);
 * - a catcher fired when a state exits right after a failure, and it is the one recovery.ts would
 *   pick for the error, checked against the state entered next (else the first catcher whose Next
 *   it is, when the error cannot be read back, e.g. a Fail state's ErrorPath);
 * - a branch ran when its StartAt was entered: Parallel branches, inline Map iterations and
 *   Distributed Map child executions (whose histories run the same definition) alike.
 *
 * Caveat: states are found by name, as AWS requires state names to be unique in a state machine.
 */
import type { Branch, Catcher, Retrier, State, StateMachineDefinition } from '../definition/types.ts';
import { mapProcessor, isDistributedMap } from '../definition/types.ts';
import { createHash } from 'node:crypto';
import type { HistoryEvent } from '../history/events.ts';
import { errorMatches } from '../states/retry.ts';

/** Where a state sits: at the top, or in branch `index` of a Parallel (a Map has one, index 0). */
export interface StatePlace {
  name: string;
  type: State['Type'];
  state: State;
  /** the Parallel or Map state whose branch holds it; undefined at the top level */
  parent?: string;
  branch?: number;
}

export interface StateCoverage {
  name: string;
  type: State['Type'];
  parent?: string;
  hits: number;
}
export interface ChoiceCoverage {
  state: string;
  /** the rule's index in Choices, or 'Default' */
  rule: number | 'Default';
  next: string;
  hits: number;
}
export interface RetrierCoverage {
  state: string;
  index: number;
  errors: string[];
  /** retries it made */
  hits: number;
}
export interface CatcherCoverage {
  state: string;
  index: number;
  errors: string[];
  next: string;
  hits: number;
}
export interface BranchCoverage {
  state: string;
  /** a Parallel's branch index; 0 for a Map's processor */
  index: number;
  kind: 'Parallel' | 'Map' | 'DistributedMap';
  startAt: string;
  /** branch runs: Parallel branches, Map iterations, Distributed Map child executions */
  hits: number;
}

export const CoverageKind = { states: 'states', choices: 'choices', retriers: 'retriers', catchers: 'catchers', branches: 'branches' } as const;
export type CoverageKind = (typeof CoverageKind)[keyof typeof CoverageKind];

export interface DefinitionCoverage {
  /** the state machine's name */
  name: string;
  /** the definition's {@link structureHash} */
  hash: string;
  executions: number;
  states: StateCoverage[];
  choices: ChoiceCoverage[];
  retriers: RetrierCoverage[];
  catchers: CatcherCoverage[];
  branches: BranchCoverage[];
}

/** Every state of a definition with its place, top level first, then each branch depth-first. */
export function statePlaces(def: Branch): StatePlace[] {
  const out: StatePlace[] = [];
  const walk = (branch: Branch, parent?: string, index?: number) => {
    for (const [name, state] of Object.entries(branch.States)) {
      out.push({ name, type: state.Type, state, parent, branch: index });
      if (state.Type === 'Parallel') state.Branches.forEach((b, i) => walk(b, name, i));
      if (state.Type === 'Map') walk(mapProcessor(state), name, 0);
    }
  };
  walk(def);
  return out;
}

/**
 * The hash of what coverage counts in a definition: its states, their types and transitions,
 * Choice rules' targets, Retry and Catch clauses, branches. Two texts of one workflow that differ
 * only in substituted values (an ARN, a callback URL with the run's port) share it, so they add up
 * to one coverage.
 */
export function structureHash(def: Branch): string {
  const shape = (b: Branch): unknown =>
    [b.StartAt, Object.entries(b.States).map(([name, s]) => [
      name, s.Type, s.Next ?? null, s.End ?? false,
      s.Type === 'Choice' ? [s.Choices.map((c) => c.Next), s.Default ?? null] : null,
      'Retry' in s ? (s.Retry ?? []).map((r) => r.ErrorEquals) : null,
      'Catch' in s ? (s.Catch ?? []).map((c) => [c.ErrorEquals, c.Next]) : null,
      s.Type === 'Parallel' ? s.Branches.map(shape) : s.Type === 'Map' ? [shape(mapProcessor(s)), isDistributedMap(s)] : null,
    ])];
  return createHash('sha256').update(JSON.stringify(shape(def))).digest('hex');
}

/** The coverage items of a definition, every hit count at zero. */
export function emptyCoverage(name: string, hash: string, def: StateMachineDefinition): DefinitionCoverage {
  const cov: DefinitionCoverage = { name, hash, executions: 0, states: [], choices: [], retriers: [], catchers: [], branches: [] };
  for (const p of statePlaces(def)) {
    cov.states.push({ name: p.name, type: p.type, ...(p.parent === undefined ? {} : { parent: p.parent }), hits: 0 });
    const s = p.state;
    if (s.Type === 'Choice') {
      s.Choices.forEach((rule, i) => cov.choices.push({ state: p.name, rule: i, next: String(rule.Next), hits: 0 }));
      if (s.Default !== undefined) cov.choices.push({ state: p.name, rule: 'Default', next: s.Default, hits: 0 });
    }
    const retriers: Retrier[] = 'Retry' in s ? (s.Retry ?? []) : [];
    retriers.forEach((r, i) => cov.retriers.push({ state: p.name, index: i, errors: r.ErrorEquals, hits: 0 }));
    const catchers: Catcher[] = 'Catch' in s ? (s.Catch ?? []) : [];
    catchers.forEach((c, i) => cov.catchers.push({ state: p.name, index: i, errors: c.ErrorEquals, next: c.Next, hits: 0 }));
    if (s.Type === 'Parallel') s.Branches.forEach((b, i) => cov.branches.push({ state: p.name, index: i, kind: 'Parallel', startAt: b.StartAt, hits: 0 }));
    if (s.Type === 'Map') cov.branches.push({ state: p.name, index: 0, kind: isDistributedMap(s) ? 'DistributedMap' : 'Map', startAt: mapProcessor(s).StartAt, hits: 0 });
  }
  return cov;
}

/** Failures raised by a task: States.TaskFailed matches them (see errorMatches). */
const TASK_FAILURES: ReadonlySet<string> = new Set(['TaskFailed', 'TaskTimedOut', 'LambdaFunctionFailed', 'LambdaFunctionTimedOut', 'ActivityFailed', 'ActivityTimedOut']);
/** A Fail state inside a Parallel or Map fails it (its retry follows the Fail state's entry). */
const STATE_FAILURES: ReadonlySet<string> = new Set(['FailStateEntered', 'EvaluationFailed', 'ParallelStateFailed', 'MapStateFailed']);

const isFailure = (e: HistoryEvent | undefined): boolean => e !== undefined && (TASK_FAILURES.has(e.type) || STATE_FAILURES.has(e.type));
const isEntered = (e: HistoryEvent): boolean => e.type.endsWith('StateEntered');
const isExited = (e: HistoryEvent): boolean => e.type.endsWith('StateExited');
/** A new attempt after a failure: a task scheduled again, a Parallel or Map started again. */
const isAttempt = (e: HistoryEvent): boolean => e.type.endsWith('Scheduled') || e.type === 'ParallelStateStarted' || e.type === 'MapStateStarted';

/** The event's `*EventDetails` member (entered and exited events share theirs: `stateEnteredEventDetails`). */
export function details(e: HistoryEvent): Record<string, unknown> {
  for (const k in e) if (k.endsWith('EventDetails')) return e[k] as Record<string, unknown>;
  return {};
}
function nameOf(e: HistoryEvent): string | undefined {
  const n = details(e).name;
  return typeof n === 'string' ? n : undefined;
}

/**
 * Adds one execution's history to `cov` (mutated: merging is adding). `def` must be the
 * definition the execution ran; a Distributed Map child execution's history counts towards its
 * parent's definition.
 *
 * @example
 * const cov = emptyCoverage('orders', hash, def);
 * for (const h of histories) addHistory(cov, def, h);
 * cov.states.filter((s) => s.hits === 0); // the states no test entered
 */
export function addHistory(cov: DefinitionCoverage, def: StateMachineDefinition, history: readonly HistoryEvent[]): void {
  const places = new Map<string, StatePlace>();
  for (const p of statePlaces(def)) if (!places.has(p.name)) places.set(p.name, p);
  const byId = new Map<number, HistoryEvent>(history.map((e) => [e.id, e]));
  const prev = (e: HistoryEvent) => byId.get(e.previousEventId);
  const nextOf = new Map<number, HistoryEvent[]>();
  for (const e of history) {
    const list = nextOf.get(e.previousEventId);
    if (list) list.push(e);
    else nextOf.set(e.previousEventId, [e]);
  }
  const stateHits = new Map(cov.states.map((s) => [s.name, s]));
  const branchStarts = new Map<string, BranchCoverage[]>();
  for (const b of cov.branches) branchStarts.set(b.startAt, [...(branchStarts.get(b.startAt) ?? []), b]);

  /** The error a failure carries; a Parallel's or Map's is the last error raised inside it. */
  const errorOf = (f: HistoryEvent): string | undefined => {
    for (let p: HistoryEvent | undefined = f; p; p = prev(p)) {
      const error = details(p).error;
      if (typeof error === 'string') return error;
      if (p.type === 'FailStateEntered') {
        const s = places.get(nameOf(p) ?? '')?.state;
        return s?.Type === 'Fail' ? s.Error : undefined;
      }
    }
    return undefined;
  };

  /** the Parallel or Map each retry's Started event starts again */
  const retriedState = new Map<number, string>();

  cov.executions += history.some((e) => e.type === 'ExecutionStarted') ? 1 : 0;
  for (const e of history) {
    if (isEntered(e)) {
      const name = nameOf(e) ?? '';
      const s = stateHits.get(name);
      if (s) s.hits++;
      for (const b of branchStarts.get(name) ?? []) if (enteredFrom(e, b.state)) b.hits++;
    }
    if (isFailure(e)) {
      const attempt = (nextOf.get(e.id) ?? []).find(isAttempt);
      if (attempt) retried(e, attempt);
      continue;
    }
    if (!isExited(e)) continue;
    const name = nameOf(e) ?? '';
    const entered = (nextOf.get(e.id) ?? []).find(isEntered);
    if (!entered) continue;
    const target = nameOf(entered);
    const cause = prev(e);
    if (cause && isFailure(cause)) {
      const state = places.get(name)?.state;
      const catchers: Catcher[] = state && 'Catch' in state ? (state.Catch ?? []) : [];
      const error = errorOf(cause);
      let i = error === undefined ? -1 : catchers.findIndex((c) => errorMatches(c.ErrorEquals, error, TASK_FAILURES.has(cause.type)));
      if (i < 0 || catchers[i].Next !== target) i = catchers.findIndex((c) => c.Next === target);
      const item = cov.catchers.find((c) => c.state === name && c.index === i);
      if (item) item.hits++;
      continue;
    }
    if (e.type === 'ChoiceStateExited') for (const c of cov.choices) if (c.state === name && c.next === target) c.hits++;
  }

  /**
   * A failure followed by a new attempt: a task scheduled again retries its Task; a Parallel or
   * Map started again retries the nearest enclosing one whose Retry takes the error.
   */
  function retried(failure: HistoryEvent, attempt: HistoryEvent): void {
    const error = errorOf(failure);
    const fromTask = TASK_FAILURES.has(failure.type);
    const enteredType = attempt.type.endsWith('Scheduled') ? 'TaskStateEntered' : attempt.type.replace('Started', 'Entered');
    for (let p = prev(failure); p; p = prev(p)) {
      if (p.type !== enteredType) continue;
      const name = nameOf(p) ?? '';
      const state = places.get(name)?.state;
      const retriers: Retrier[] = state && 'Retry' in state ? (state.Retry ?? []) : [];
      const i = error === undefined ? (retriers.length > 0 ? 0 : -1) : retriers.findIndex((r) => errorMatches(r.ErrorEquals, error, fromTask && state?.Type === 'Task'));
      const item = cov.retriers.find((r) => r.state === name && r.index === i);
      if (item) {
        item.hits++;
        retriedState.set(attempt.id, name);
        return;
      }
      if (enteredType === 'TaskStateEntered') return;
    }
  }

  /** A branch's StartAt counts as the branch running only when entered from its own Parallel/Map (or as a child execution's first state). */
  function enteredFrom(e: HistoryEvent, parent: string): boolean {
    const p = prev(e);
    if (!p) return false;
    if (p.type === 'ExecutionStarted') return true;
    if (p.type === 'MapIterationStarted') return nameOf(p) === parent;
    if (p.type === 'ParallelStateStarted' || p.type === 'MapStateStarted') {
      // a retry's Started follows the failure, not the entry: retried() said whose it is
      const owner = prev(p);
      return (owner?.type === p.type.replace('Started', 'Entered') ? nameOf(owner) : retriedState.get(p.id)) === parent;
    }
    return false;
  }
}

/** Coverage of one definition over many histories. */
export function coverageOf(name: string, hash: string, def: StateMachineDefinition, histories: readonly (readonly HistoryEvent[])[]): DefinitionCoverage {
  const cov = emptyCoverage(name, hash, def);
  for (const h of histories) addHistory(cov, def, h);
  return cov;
}

export interface KindSummary {
  covered: number;
  total: number;
}
export type CoverageSummary = Record<CoverageKind, KindSummary> & { all: KindSummary; percent: number };

/** Covered and total items per kind, and over all kinds (percent is 100 when there is nothing to cover). */
export function summarize(cov: DefinitionCoverage): CoverageSummary {
  const kinds = Object.values(CoverageKind);
  const out = {} as CoverageSummary;
  let covered = 0;
  let total = 0;
  for (const k of kinds) {
    const items: { hits: number }[] = cov[k];
    const s = { covered: items.filter((i) => i.hits > 0).length, total: items.length };
    out[k] = s;
    covered += s.covered;
    total += s.total;
  }
  out.all = { covered, total };
  out.percent = total === 0 ? 100 : (100 * covered) / total;
  return out;
}

/**
 * The definitions below `threshold` percent, as messages; empty when all pass.
 *
 * @example
 * belowThreshold([cov], 80); // ['report-etl: 72.0% of 25 items < 80%']
 */
export function belowThreshold(covs: readonly DefinitionCoverage[], threshold: number): string[] {
  return covs.flatMap((c) => {
    const s = summarize(c);
    return s.percent < threshold ? [`${c.name}: ${s.percent.toFixed(1)}% of ${s.all.total} items < ${threshold}%`] : [];
  });
}
