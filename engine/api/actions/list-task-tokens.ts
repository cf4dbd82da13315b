/**
 * Longhaul.ListTaskTokens (an extension, not AWS): the task tokens a running execution waits on,
 * with the state that waits. AWS's history shows a token only where the definition passes
 * `$$.Task.Token` into the task's parameters; the console needs it to complete a wait by hand.
 */
import { executionArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { requiredString } from '../protocol.ts';

export const listTaskTokens: Action = (req, { engine }) => ({
  taskTokens: engine.pendingWork(executionArn(requiredString(req, 'executionArn', 256))).tokens.map((t) => ({
    taskToken: t.taskToken,
    stateName: t.stateName,
    ...(t.mapIndex !== undefined && { mapIndex: t.mapIndex }),
  })),
});
