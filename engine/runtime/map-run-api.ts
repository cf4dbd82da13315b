/**
 * What the API asks of Distributed Maps, composed into the engine like the task tokens: a Map
 * Run's description (live from its phase while its execution is resident or resting, else its
 * row), UpdateMapRun applied to the running phase, and the child executions' rows, which go with
 * their parent's commits.
 */
import { ApiError } from '../api-error.ts';
import { ExecutionStatus, type ExecutionRow, type Store } from '../store/sqlite.ts';
import type { Scheduler } from './clock.ts';
import type { CommitBatcher } from './commits.ts';
import type { Residency } from './residency.ts';
import type { ChildExecution, RunCore } from './run-core.ts';
import { mapRunCounts, type MapRunRow, type MapRunUpdate } from './map-runs.ts';

export interface MapRunApiHost {
  store: Store;
  scheduler: Scheduler;
  commits: CommitBatcher;
  residents: Residency;
}

/** `...:mapRun:<machine>/<label>:<id>` -> `...:stateMachine:<machine>/<label>`, the machine a Map Run's children run. */
export function mapRunMachineArn(mapRunArn: string): string {
  return mapRunArn.slice(0, mapRunArn.lastIndexOf(':')).replace(':mapRun:', ':stateMachine:');
}

export class MapRunApi {
  private readonly host: MapRunApiHost;

  constructor(host: MapRunApiHost) {
    this.host = host;
  }

  /** DescribeMapRun: the row, with the counts and limits of its phase while its execution runs (a resting one read off its snapshot). */
  describe(mapRunArn: string): MapRunRow {
    const { residents } = this.host;
    const row = this.row(mapRunArn);
    const run = row.status === 'RUNNING' ? (residents.running.get(row.executionArn)?.run ?? residents.restingRun(row.executionArn)?.run) : undefined;
    const phase = run?.mapRunPhase(mapRunArn);
    if (!phase) return row;
    const counts = mapRunCounts(phase);
    return {
      ...row, maxConcurrency: phase.maxConcurrency, toleratedFailureCount: phase.toleratedCount, toleratedFailurePercentage: phase.toleratedPercentage,
      itemCounts: counts, executionCounts: { ...counts },
    };
  }

  /** UpdateMapRun: a resting execution is loaded, so that the children the new limits allow start now. */
  update(mapRunArn: string, update: MapRunUpdate): void {
    const { residents } = this.host;
    const row = this.row(mapRunArn);
    if (row.status !== 'RUNNING') throw new ApiError('ValidationException', `Map Run is not running: '${mapRunArn}'`);
    const resting = residents.running.has(row.executionArn) ? undefined : residents.restingRun(row.executionArn);
    const r = residents.running.get(row.executionArn) ?? (resting && residents.load(resting.row, resting.run, true));
    if (r?.run.updateMapRun(mapRunArn, update)) return;
    this.host.commits.mapRunChanged({
      ...row, maxConcurrency: update.maxConcurrency ?? row.maxConcurrency, toleratedFailureCount: update.toleratedFailureCount ?? row.toleratedFailureCount,
      toleratedFailurePercentage: update.toleratedFailurePercentage ?? row.toleratedFailurePercentage,
    });
  }

  /** The rows of the Map Run's machine that are this Map Run's children. */
  children(mapRunArn: string, rows: ExecutionRow[]): ExecutionRow[] {
    return rows.filter((r) => (JSON.parse(r.meta) as { mapRunArn?: string }).mapRunArn === mapRunArn);
  }

  /**
   * A child execution ended: its row and history go with the next commit, in the same transaction
   * as its parent's phase that counts it done, so a restart finds neither without the other.
   */
  childEnded(run: RunCore, child: ChildExecution): void {
    const { residents, commits, scheduler } = this.host;
    const parent = residents.running.get(run.info.executionArn)?.row;
    const meta = { roleArn: run.info.roleArn, type: child.type, stateMachineName: run.info.stateMachineName, mapRunArn: child.mapRunArn, parentArn: run.info.executionArn };
    commits.rowEnded({
      arn: child.arn, stateMachineArn: child.stateMachineArn, name: child.name, status: child.status ?? ExecutionStatus.Aborted,
      definitionHash: parent?.definitionHash ?? '', input: child.input, output: child.output ?? null, error: child.error ?? null,
      cause: child.cause ?? null, startMs: child.startMs, stopMs: scheduler.now(), redriveCount: child.redriveCount ?? 0,
      redriveMs: child.redriveMs ?? null, snapshot: null, meta: JSON.stringify(meta),
    }, child.events);
  }

  /** A child execution that ended before (a redrive runs it again). */
  endedChild(arn: string): { status: string; events: number; startMs: number; input: string; redriveCount: number } | undefined {
    const { store } = this.host;
    const row = store.getExecution(arn);
    return row && { status: row.status, events: store.eventCount(arn), startMs: row.startMs, input: row.input, redriveCount: row.redriveCount };
  }

  private row(mapRunArn: string): MapRunRow {
    const row = this.host.store.mapRuns.get(mapRunArn);
    if (!row) throw new ApiError('ResourceNotFound', `Map Run Does Not Exist: '${mapRunArn}'`);
    return row;
  }
}
