/**
 * GetExecutionHistory: the events exactly as the engine records them, timestamps in epoch
 * seconds, paged by maxResults and nextToken, oldest first unless reverseOrder;
 * `includeExecutionData: false` leaves the input and output payloads out.
 */
import { executionArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { optionalBool, optionalString, pageSize, pageToken, readPageToken, requiredString } from '../protocol.ts';
import { historyEvent } from '../wire.ts';

/** A page token: the id of the last event of the page before. */
type Position = { after: number };
const isPosition = (v: unknown): v is Position => typeof v === 'object' && v !== null && Number.isInteger((v as Position).after);

export const getExecutionHistory: Action = (req, { engine }) => {
  const arn = executionArn(requiredString(req, 'executionArn', 256));
  const size = pageSize(req);
  const reverse = optionalBool(req, 'reverseOrder') ?? false;
  const includeData = optionalBool(req, 'includeExecutionData') ?? true;
  const position = readPageToken(optionalString(req, 'nextToken', 3096), isPosition);
  let events = engine.history(arn);
  if (reverse) events = events.slice().reverse();
  if (position) events = events.filter((e) => (reverse ? e.id < position.after : e.id > position.after));
  const page = events.slice(0, size);
  const last = page.at(-1);
  return {
    events: page.map((e) => historyEvent(e, includeData)),
    ...(events.length > size && last && { nextToken: pageToken({ after: last.id }) }),
  };
};
