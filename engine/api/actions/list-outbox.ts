/**
 * Longhaul.ListOutbox (an extension, not AWS): the e-mails and messages workflows sent through the
 * local stack's integrations, newest first, optionally of one execution. `available` is false on a
 * server that was given no outbox (an engine without the local stack).
 */
import type { Action } from '../protocol.ts';
import { optionalInt, optionalString } from '../protocol.ts';

export const listOutbox: Action = (req, { outbox }) => {
  const arn = optionalString(req, 'executionArn', 256);
  const max = optionalInt(req, 'maxResults', 1, 1000) ?? 100;
  if (!outbox) return { available: false, entries: [] };
  const all = outbox.list().filter((e) => arn === undefined || (e as { executionArn?: unknown }).executionArn === arn);
  return { available: true, entries: all.slice(-max).reverse() };
};
