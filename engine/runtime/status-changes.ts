/**
 * Listeners for executions' status changes (a start, a redrive, an end), told once the change is
 * committed: what the local EventBridge bus turns into "Step Functions Execution Status Change"
 * events.
 */
import type { ExecutionStatusChange } from '../engine-types.ts';
import type { ExecutionRow } from '../store/sqlite.ts';

export class StatusChanges {
  private readonly listeners = new Set<(change: ExecutionStatusChange) => void>();

  /** Adds a listener; returns the function that removes it. */
  listen(listener: (change: ExecutionStatusChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The execution's committed row changed status: every listener hears of it after the current call. */
  changed(row: ExecutionRow): void {
    if (this.listeners.size === 0) return;
    const change: ExecutionStatusChange = {
      executionArn: row.arn, stateMachineArn: row.stateMachineArn, name: row.name, status: row.status, startMs: row.startMs, stopMs: row.stopMs,
      input: row.input, output: row.output, error: row.error, cause: row.cause, redriveCount: row.redriveCount, redriveMs: row.redriveMs,
    };
    // not inside the commit: a listener that starts an execution would commit within a commit
    queueMicrotask(() => {
      for (const l of this.listeners) {
        try {
          l(change);
        } catch (e) {
          process.emitWarning(`an execution status listener threw: ${e instanceof Error ? e.stack : String(e)}`);
        }
      }
    });
  }
}
