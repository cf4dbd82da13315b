/**
 * The Map Runs of Distributed Maps as the store keeps them (schema.ts MAP_RUNS_SCHEMA): what
 * DescribeMapRun and ListMapRuns read once the run has ended or its execution rests.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';

export type MapRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

/** pending/running/succeeded/failed/timedOut/aborted/total/resultsWritten, as DescribeMapRun counts them */
export interface MapRunCounts {
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
  total: number;
  resultsWritten: number;
}

export interface MapRunRow {
  arn: string;
  executionArn: string;
  status: MapRunStatus;
  startMs: number;
  stopMs: number | null;
  maxConcurrency: number;
  toleratedFailureCount: number;
  toleratedFailurePercentage: number;
  itemCounts: MapRunCounts;
  executionCounts: MapRunCounts;
  redriveCount: number;
  redriveMs: number | null;
}

export class MapRunTable {
  private readonly put: StatementSync;
  private readonly get1: StatementSync;
  private readonly byExecution: StatementSync;

  constructor(db: DatabaseSync) {
    this.put = db.prepare(`INSERT OR REPLACE INTO map_runs (arn, execution_arn, status, start_ms, stop_ms, max_concurrency,
      tolerated_failure_count, tolerated_failure_percentage, counts, redrive_count, redrive_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.get1 = db.prepare('SELECT * FROM map_runs WHERE arn = ?');
    this.byExecution = db.prepare('SELECT * FROM map_runs WHERE execution_arn = ? ORDER BY start_ms, arn');
  }

  write(r: MapRunRow): void {
    this.put.run(r.arn, r.executionArn, r.status, r.startMs, r.stopMs, r.maxConcurrency, r.toleratedFailureCount, r.toleratedFailurePercentage,
      JSON.stringify({ items: r.itemCounts, executions: r.executionCounts }), r.redriveCount, r.redriveMs);
  }

  get(arn: string): MapRunRow | undefined {
    const r = this.get1.get(arn) as Record<string, unknown> | undefined;
    return r && toRow(r);
  }

  list(executionArn: string): MapRunRow[] {
    return (this.byExecution.all(executionArn) as Record<string, unknown>[]).map(toRow);
  }
}

function toRow(r: Record<string, unknown>): MapRunRow {
  const counts = JSON.parse(r.counts as string) as { items: MapRunCounts; executions: MapRunCounts };
  return {
    arn: r.arn as string, executionArn: r.execution_arn as string, status: r.status as MapRunStatus,
    startMs: Number(r.start_ms), stopMs: r.stop_ms === null ? null : Number(r.stop_ms),
    maxConcurrency: Number(r.max_concurrency), toleratedFailureCount: Number(r.tolerated_failure_count),
    toleratedFailurePercentage: Number(r.tolerated_failure_percentage),
    itemCounts: counts.items, executionCounts: counts.executions,
    redriveCount: Number(r.redrive_count), redriveMs: r.redrive_ms === null ? null : Number(r.redrive_ms),
  };
}
