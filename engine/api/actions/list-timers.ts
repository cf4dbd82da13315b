/**
 * Longhaul.ListTimers (an extension, not AWS): the Wait-state and retry timers a running execution
 * is asleep on, and whether Longhaul.SkipWait may fire them (only on a real-time stack).
 */
import { executionArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { epochSeconds, requiredString } from '../protocol.ts';

export const listTimers: Action = (req, { engine }) => ({
  timers: engine.pendingWork(executionArn(requiredString(req, 'executionArn', 256))).timers.map((t) => ({
    timerId: t.id,
    stateName: t.stateName,
    kind: t.kind,
    fireDate: epochSeconds(t.fireMs),
    ...(t.mapIndex !== undefined && { mapIndex: t.mapIndex }),
  })),
  skippable: !engine.scheduler.virtual,
});
