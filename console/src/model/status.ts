/**
 * What happened to each state of an execution, read from its history (and, while it runs, from
 * what Longhaul's extensions say it waits on): the colours of the execution graph and the
 * selected state's input, output, variables, error and cause.
 *
 * Pure (no DOM). A state entered many times (in a Map, a loop, after a redrive) shows the most
 * telling of its runs: waiting or running before failed, failed before caught, caught before
 * aborted, aborted before succeeded.
 */

export const StateStatus = {
  WaitingToken: 'waitingToken',
  WaitingTimer: 'waitingTimer',
  Running: 'running',
  Failed: 'failed',
  Caught: 'caught',
  Aborted: 'aborted',
  Succeeded: 'succeeded',
  NotReached: 'notReached',
} as const;
export type StateStatus = (typeof StateStatus)[keyof typeof StateStatus];

/** Most telling first. */
const RANK: readonly StateStatus[] = ['waitingToken', 'waitingTimer', 'running', 'failed', 'caught', 'aborted', 'succeeded', 'notReached'];

export const STATUS_LABEL: Record<StateStatus, string> = {
  waitingToken: 'Waiting for a task token',
  waitingTimer: 'Waiting on a timer',
  running: 'In progress',
  failed: 'Failed',
  caught: 'Caught error',
  aborted: 'Aborted',
  succeeded: 'Succeeded',
  notReached: 'Not reached',
};

export interface HistoryEventLike {
  id: number;
  previousEventId: number;
  type: string;
  [details: string]: unknown;
}

/** One entry into a state. */
export interface StateRun {
  name: string;
  /** the state type as the event names it (Task, Wait, Map...) */
  type: string;
  enteredId: number;
  exitedId?: number;
  input?: string;
  output?: string;
  variables?: Record<string, string>;
  failure?: { error?: string; cause?: string };
  status: StateStatus;
}

export interface StateSummary {
  status: StateStatus;
  /** runs counted (a redrive drops the runs that did not succeed) */
  runs: number;
  /** the latest run, for the details panel */
  last: StateRun;
}

export interface ExecutionView {
  states: Map<string, StateSummary>;
  /** event id → the name of the state it belongs to, for the history table */
  stateOfEvent: Map<number, string>;
}

export interface LiveFacts {
  executionStatus: string;
  /** states waiting for a task token (Longhaul.ListTaskTokens) */
  waitingTokens?: readonly string[];
  /** states asleep on a Wait or retry timer (Longhaul.ListTimers) */
  waitingTimers?: readonly string[];
}

const CONTAINER_EVENTS = /^(Execution|MapIteration|MapState|ParallelState|MapRun)/;

/** The `*EventDetails` member of an event. */
export function eventDetails(e: HistoryEventLike): Record<string, unknown> | undefined {
  for (const key in e) if (key.endsWith('EventDetails')) return e[key] as Record<string, unknown>;
  return undefined;
}

export function executionView(events: readonly HistoryEventLike[], live: LiveFacts): ExecutionView {
  const owner = new Map<number, StateRun>();
  const stateOfEvent = new Map<number, string>();
  const runs: StateRun[] = [];
  const open: StateRun[] = [];
  let ended: HistoryEventLike | undefined;
  const closeRun = (run: StateRun) => {
    const i = open.lastIndexOf(run);
    if (i >= 0) open.splice(i, 1);
  };
  for (const e of events) {
    const details = eventDetails(e);
    let run: StateRun | undefined;
    if (e.type.endsWith('StateEntered')) {
      run = { name: String(details?.name), type: e.type.slice(0, -'StateEntered'.length), enteredId: e.id, input: details?.input as string | undefined, status: 'running' };
      runs.push(run);
      open.push(run);
    } else if (e.type.endsWith('StateExited')) {
      const name = String(details?.name);
      const chained = owner.get(e.previousEventId);
      run = chained && chained.name === name && chained.exitedId === undefined ? chained : open.findLast((r) => r.name === name);
      // a Map or Parallel that a redrive continued is not entered again
      run ??= runs.findLast((r) => r.name === name && r.exitedId === undefined);
      if (run) {
        if (run.status === 'notReached') run.status = 'running';
        run.exitedId = e.id;
        run.output = details?.output as string | undefined;
        run.variables = details?.assignedVariables as Record<string, string> | undefined;
        closeRun(run);
      }
    } else if (e.type === 'MapStateFailed' || e.type === 'ParallelStateFailed') {
      run = open.findLast((r) => r.type === e.type.slice(0, -'StateFailed'.length));
      if (run) run.failure = { error: details?.error as string | undefined, cause: details?.cause as string | undefined };
    } else if (/^(MapState|MapIteration|ParallelState)/.test(e.type)) {
      // a Map's or Parallel's own events belong to it, not to the branch state before them
      const type = e.type.startsWith('Parallel') ? 'Parallel' : 'Map';
      run = open.findLast((r) => r.type === type);
    } else if (e.type === 'ExecutionRedriven') {
      // a redrive runs again what did not succeed: those runs are history now
      for (const r of runs) if (r.exitedId === undefined) r.status = 'notReached';
      open.length = 0;
      for (const r of runs) {
        if (r.exitedId !== undefined || (r.type !== 'Map' && r.type !== 'Parallel')) continue;
        // a redriven Map or Parallel goes on (only its failed iterations and branches run again)
        r.status = 'running';
        r.failure = undefined;
        open.push(r);
      }
    } else if (/^Execution(Succeeded|Failed|TimedOut|Aborted)$/.test(e.type)) {
      ended = e;
      run = owner.get(e.previousEventId);
    } else {
      run = owner.get(e.previousEventId);
      if (run && !CONTAINER_EVENTS.test(e.type)) {
        if (/(Failed|TimedOut)$/.test(e.type)) run.failure = { error: details?.error as string | undefined, cause: details?.cause as string | undefined };
        else if (e.type.endsWith('Succeeded')) run.failure = undefined;
      }
    }
    if (run) {
      owner.set(e.id, run);
      stateOfEvent.set(e.id, run.name);
    }
  }
  const running = live.executionStatus === 'RUNNING';
  const tokens = new Set(live.waitingTokens ?? []);
  const timers = new Set(live.waitingTimers ?? []);
  const culprit = ended && ended.type !== 'ExecutionAborted' ? owner.get(ended.previousEventId) : undefined;
  for (const r of runs) {
    if (r.status === 'notReached') continue;
    if (r.exitedId !== undefined) r.status = r.failure ? 'caught' : 'succeeded';
    else if (r.failure || r.type === 'Fail') r.status = 'failed';
    else if (running) r.status = tokens.has(r.name) ? 'waitingToken' : timers.has(r.name) || r.type === 'Wait' ? 'waitingTimer' : 'running';
    else r.status = r === culprit ? 'failed' : 'aborted';
  }
  const states = new Map<string, StateSummary>();
  for (const r of runs) {
    if (r.status === 'notReached') continue;
    const s = states.get(r.name);
    if (!s) states.set(r.name, { status: r.status, runs: 1, last: r });
    else {
      s.runs++;
      s.last = r;
      if (RANK.indexOf(r.status) < RANK.indexOf(s.status)) s.status = r.status;
    }
  }
  return { states, stateOfEvent };
}
