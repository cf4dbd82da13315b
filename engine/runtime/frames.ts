/**
 * What an execution is made of while it runs, as plain data a snapshot can hold: a tree of frames
 * (the root branch, a child per Parallel branch and per Map iteration), each at a `phase` of its
 * current state. Every await point of the runner corresponds to a phase, so a resumed frame
 * continues from its phase without re-emitting the events it had already committed.
 */
import type { JsonObject, JsonValue } from '../json.ts';
import type { ExecutionError } from '../errors.ts';
import type { HistoryEvent } from '../history/events.ts';

/** Where a frame is in its current state's lifecycle. */
export type Phase =
  /** about to enter the state (its Entered event not yet emitted) */
  | { k: 'enter' }
  /** entered: evaluating */
  | { k: 'run' }
  /** a retry's back-off, until `at` */
  | { k: 'backoff'; at: number }
  /** a Wait until `at`, then exit with `output` */
  | { k: 'wait'; at: number; output: JsonValue; assign: JsonObject | null }
  | TaskPhase
  | { k: 'parallel'; input: JsonValue; results: (JsonValue | null)[]; done: boolean[]; children: string[] }
  | MapPhase;

/** A Task from its TaskScheduled event until its result. */
export interface TaskPhase {
  k: 'task';
  params: JsonValue;
  token?: string;
  timeoutAt?: number;
  heartbeatAt?: number;
  /** the state's HeartbeatSeconds, which SendTaskHeartbeat pushes the deadline by (absent in snapshots of older releases) */
  heartbeatSeconds?: number;
  started?: boolean;
  submitted?: boolean;
  /** a token task whose integration returned: only the token (or a timeout) moves it now, and a resume does not invoke it again */
  invoked?: boolean;
}

export type ItemStatus = 'pending' | 'running' | 'ok' | 'failed';

export interface MapPhase {
  k: 'map';
  items: JsonValue[];
  /** the effective input, for ItemSelector */
  input: JsonValue;
  results: (JsonValue | null)[];
  status: ItemStatus[];
  children: Record<number, string>;
  maxConcurrency: number;
  toleratedCount: number;
  toleratedPercentage: number;
  failures: number;
  /** previousEventId for the next MapIterationStarted */
  iterPrev: number;
  mapRunArn?: string;
  /** a Distributed Map's ResultWriter: its results are records for the files, written when the Map Run ends */
  writer?: { bucket?: string; prefix: string; transformation: 'NONE' | 'COMPACT' | 'FLATTEN'; outputType: 'JSON' | 'JSONL' };
  /** when each child started (epoch ms), for the ResultWriter's records */
  started?: Record<number, number>;
  /** the Map Run's start (epoch ms), how many results its ResultWriter wrote, its redrives */
  runStartMs?: number;
  resultsWritten?: number;
  runRedrives?: number;
  runRedriveMs?: number;
  /** the children cut short (their status is 'failed'): DescribeMapRun counts them aborted */
  abortedItems?: Record<number, true>;
  /** redriven and not yet resumed: the Map records MapRunRedriven as it resumes */
  redriven?: boolean;
  /** records kept since the ResultWriter last wrote, and the files it wrote (manifest entries) */
  unwritten?: number;
  files?: Record<'SUCCEEDED' | 'FAILED' | 'PENDING', { Key: string; Size: number }[]>;
}

export interface Frame {
  id: string;
  /** path from the definition root to this frame's Branch */
  branchPath: (string | number)[];
  parent: string | null;
  state: string;
  input: JsonValue;
  phase: Phase;
  /** id of the last event in this frame's thread: the next event's previousEventId */
  last: number;
  enteredId: number;
  enteredPrev: number;
  enteredMs: number;
  retryCounts: number[];
  retryTotal: number;
  vars: JsonObject;
  mapItem?: { index: number; value: JsonValue };
  ended?: boolean;
  /** a child execution of a Distributed Map: its events belong to its own history, not this one */
  silent?: boolean;
  /** the frame of the Distributed Map child execution this frame runs in: its events go to that child's history */
  childLog?: string;
  /**
   * the child execution this frame runs (a Distributed Map's iteration), with its history so far:
   * in the snapshot, so a restart continues the child's history where the last commit left it
   */
  child?: ChildExecution;
}

/** A Distributed Map's child execution while it runs: its own history, numbered from 1. */
export interface ChildExecution {
  arn: string;
  name: string;
  /** `...:stateMachine:<machine>/<map run label>`, as AWS names a Map Run's state machine */
  stateMachineArn: string;
  mapRunArn: string;
  type: 'STANDARD' | 'EXPRESS';
  startMs: number;
  input: string;
  events: HistoryEvent[];
  nextId: number;
  redriveCount?: number;
  redriveMs?: number;
  status?: 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  output?: string;
  error?: string;
  cause?: string;
}


/** How a state ended: on to `next`, or the end of its branch. `text`, when known, is the output's payload text for the next Entered event. */
export type StateOutcome = { kind: 'next'; next: string; output: JsonValue; text?: string } | { kind: 'end'; output: JsonValue; text?: string };

/** taskAborted: the branch ended on a Task's own uncaught failure, which AWS records as TaskStateAborted */
export type BranchResult = { ok: true; output: JsonValue } | { ok: false; error: ExecutionError; taskAborted?: boolean };

const NO_ENTRIES: readonly never[] = [];

/** A Map that allocates its table on the first write: most executions use few of the run's tables. */
export class SparseMap<K, V> {
  private map: Map<K, V> | undefined;

  get size(): number {
    return this.map?.size ?? 0;
  }
  get(key: K): V | undefined {
    return this.map?.get(key);
  }
  has(key: K): boolean {
    return this.map?.has(key) ?? false;
  }
  set(key: K, value: V): this {
    (this.map ??= new Map()).set(key, value);
    return this;
  }
  delete(key: K): boolean {
    return this.map?.delete(key) ?? false;
  }
  clear(): void {
    this.map = undefined;
  }
  keys(): Iterable<K> {
    return this.map ? this.map.keys() : NO_ENTRIES;
  }
  values(): Iterable<V> {
    return this.map ? this.map.values() : NO_ENTRIES;
  }
  [Symbol.iterator](): Iterator<[K, V]> {
    return this.map ? this.map[Symbol.iterator]() : NO_ENTRIES[Symbol.iterator]();
  }
}
