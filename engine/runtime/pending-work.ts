/**
 * What an execution waits on, read from its frames: the timers and task tokens `pendingWork`
 * lists (the API's skip-time actions, the console), and whether it can rest in the store.
 */
import type { Frame, MapPhase } from './frames.ts';

/** A Wait state or retry back-off timer an execution is asleep on. */
export interface PendingTimer {
  /** the waiting frame: names the timer for skipTimers */
  id: string;
  stateName: string;
  kind: 'Wait' | 'Retry';
  /** when it fires, epoch milliseconds */
  fireMs: number;
  /** the Map iteration the state runs in */
  mapIndex?: number;
}

/** A `.waitForTaskToken` task waiting for SendTaskSuccess/Failure. */
export interface PendingToken {
  id: string;
  stateName: string;
  taskToken: string;
  mapIndex?: number;
}

export interface PendingWork {
  timers: PendingTimer[];
  tokens: PendingToken[];
}

/**
 * What a running execution is doing now: which frames sleep on their timer, which tokens have a
 * task waiting on them. Undefined for a run loaded from the store and not started, whose every
 * frame that has not ended waits.
 */
export interface Waiting {
  asleep(frameId: string): boolean;
  awaited(token: string): boolean;
}

/** The timers and tokens pending, from the frames (and, when running, what they wait on now). */
export function pendingWork(frames: Iterable<Frame>, waiting: Waiting | undefined): { timers: PendingTimer[]; tokens: PendingToken[] } {
  const timers: PendingTimer[] = [];
  const tokens: PendingToken[] = [];
  for (const f of frames) {
    if (!waiting && f.ended) continue;
    const mapIndex = f.mapItem === undefined ? {} : { mapIndex: f.mapItem.index };
    if ((f.phase.k === 'wait' || f.phase.k === 'backoff') && (!waiting || waiting.asleep(f.id))) {
      timers.push({ id: f.id, stateName: f.state, kind: f.phase.k === 'wait' ? 'Wait' : 'Retry', fireMs: f.phase.at, ...mapIndex });
    } else if (f.phase.k === 'task' && f.phase.token !== undefined && (!waiting ? f.phase.invoked === true : waiting.awaited(f.phase.token))) {
      tokens.push({ id: f.id, stateName: f.state, taskToken: f.phase.token, ...mapIndex });
    }
  }
  return { timers, tokens };
}

/**
 * Whether a running execution's frames let it rest in the store: every frame waits on a timer (a
 * Wait, a retry back-off) or on a task token whose task was handed out, with no task in flight and
 * no Map iteration left to start. Returns its earliest wake-up (null when only a token can wake
 * it; `deadline` is the execution's own timeout), or undefined when it cannot rest.
 */
export function restingDue(frames: Iterable<Frame>, waiting: Waiting, deadline: number | undefined): number | null | undefined {
  let due: number | null = null;
  const earliest = (at: number | undefined) => {
    if (at !== undefined && (due === null || at < due)) due = at;
  };
  let waits = 0;
  const maps: MapPhase[] = [];
  for (const f of frames) {
    if (f.ended) continue;
    const phase = f.phase;
    switch (phase.k) {
      case 'wait':
      case 'backoff':
        if (!waiting.asleep(f.id)) return undefined;
        earliest(phase.at);
        waits++;
        break;
      case 'task':
        if (phase.token === undefined || !phase.invoked || !waiting.awaited(phase.token)) return undefined;
        earliest(phase.timeoutAt);
        earliest(phase.heartbeatAt);
        waits++;
        break;
      case 'parallel':
        break;
      case 'map':
        maps.push(phase);
        break;
      default:
        return undefined;
    }
  }
  if (waits === 0) return undefined;
  // a Map still starting iterations is busy; one at its concurrency limit waits on its iterations
  for (const phase of maps) {
    let running = 0;
    let pending = 0;
    for (const st of phase.status) {
      if (st === 'running') running++;
      else if (st === 'pending') pending++;
    }
    if (pending > 0 && !(phase.maxConcurrency > 0 && running >= phase.maxConcurrency)) return undefined;
  }
  earliest(deadline);
  return due;
}

/** The tokens the frames wait on. */
export function tokensAwaited(frames: Iterable<Frame>): string[] {
  const out: string[] = [];
  for (const f of frames) {
    if (!f.ended && f.phase.k === 'task' && f.phase.token !== undefined) out.push(f.phase.token);
  }
  return out;
}
