/** ListStateMachineAliases: oldest first, paged by maxResults and nextToken. */
import { stateMachineArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { epochSeconds, requiredString } from '../protocol.ts';
import { arnPage } from './shared.ts';

export const listStateMachineAliases: Action = (req, { engine }) => {
  const arn = stateMachineArn(requiredString(req, 'stateMachineArn', 256));
  const { page, nextToken } = arnPage(req, engine.versions.listAliases(arn));
  return {
    stateMachineAliases: page.map((a) => ({ stateMachineAliasArn: a.arn, creationDate: epochSeconds(a.createdMs) })),
    ...(nextToken && { nextToken }),
  };
};
