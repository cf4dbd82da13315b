/** ListStateMachines: oldest first, paged by maxResults and nextToken. */
import type { Action } from '../protocol.ts';
import { optionalString, pageSize, pageToken, readPageToken } from '../protocol.ts';
import { stateMachineListItem } from '../wire.ts';

/** A page token: the creation time and ARN of the last machine of the page before. */
type Position = { createdMs: number; arn: string };
const isPosition = (v: unknown): v is Position =>
  typeof v === 'object' && v !== null && typeof (v as Position).createdMs === 'number' && typeof (v as Position).arn === 'string';

export const listStateMachines: Action = (req, { engine }) => {
  const size = pageSize(req);
  const after = readPageToken(optionalString(req, 'nextToken', 1024), isPosition);
  const rows = engine.listStateMachines().filter((sm) => !after || sm.createdMs > after.createdMs || (sm.createdMs === after.createdMs && sm.arn > after.arn));
  const page = rows.slice(0, size);
  const last = page.at(-1);
  return {
    stateMachines: page.map(stateMachineListItem),
    ...(rows.length > size && last && { nextToken: pageToken({ createdMs: last.createdMs, arn: last.arn }) }),
  };
};
