/** ListActivities: oldest first, paged by maxResults and nextToken. */
import type { Action } from '../protocol.ts';
import { epochSeconds } from '../protocol.ts';
import { arnPage } from './shared.ts';

export const listActivities: Action = (req, { engine }) => {
  const { page, nextToken } = arnPage(req, engine.activities.list());
  return {
    activities: page.map((a) => ({ activityArn: a.arn, name: a.name, creationDate: epochSeconds(a.createdMs) })),
    ...(nextToken && { nextToken }),
  };
};
