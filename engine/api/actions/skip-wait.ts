/**
 * Longhaul.SkipWait (an extension, not AWS): fires a running execution's Wait-state or retry
 * timers now, all of them or the one `timerId` (from Longhaul.ListTimers) names. Only on a
 * real-time stack; a virtual clock skips every wait by itself.
 */
import { executionArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { optionalString, requiredString } from '../protocol.ts';

export const skipWait: Action = (req, { engine }) => {
  const arn = executionArn(requiredString(req, 'executionArn', 256));
  const fired = engine.skipTimers(arn, optionalString(req, 'timerId', 256));
  return { skipped: fired.map((t) => ({ timerId: t.id, stateName: t.stateName, kind: t.kind })) };
};
