/**
 * A Distributed Map's Map Run as DescribeMapRun shows it: its status, limits and counts, read off
 * the Map's phase (live while the execution is resident, the store's row otherwise).
 */
import type { MapRunCounts, MapRunRow, MapRunStatus } from '../store/map-runs.ts';
import type { MapPhase } from './frames.ts';

export type { MapRunCounts, MapRunRow, MapRunStatus } from '../store/map-runs.ts';

/** The changes UpdateMapRun applies to a running Map Run. */
export interface MapRunUpdate {
  maxConcurrency?: number;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
}

/** How many of a Map Run's children are where (its items and its child executions count alike: a batch is one item). */
export function mapRunCounts(phase: MapPhase): MapRunCounts {
  const c: MapRunCounts = { pending: 0, running: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, total: phase.status.length, resultsWritten: 0 };
  phase.status.forEach((s, i) => {
    if (s === 'pending') c.pending++;
    else if (s === 'running') c.running++;
    else if (s === 'ok') c.succeeded++;
    else if (phase.abortedItems?.[i]) c.aborted++;
    else c.failed++;
  });
  c.resultsWritten = phase.resultsWritten ?? 0;
  return c;
}

/** The row of a Map Run from its phase. */
export function mapRunRow(executionArn: string, phase: MapPhase, status: MapRunStatus, stopMs: number | null): MapRunRow {
  const counts = mapRunCounts(phase);
  return {
    arn: phase.mapRunArn!, executionArn, status, startMs: phase.runStartMs ?? 0, stopMs,
    maxConcurrency: phase.maxConcurrency, toleratedFailureCount: phase.toleratedCount, toleratedFailurePercentage: phase.toleratedPercentage,
    itemCounts: counts, executionCounts: { ...counts }, redriveCount: phase.runRedrives ?? 0, redriveMs: phase.runRedriveMs ?? null,
  };
}
