/** ListStateMachineVersions: newest first, paged by maxResults and nextToken. */
import { stateMachineArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { epochSeconds, requiredString } from '../protocol.ts';
import { arnPage } from './shared.ts';

export const listStateMachineVersions: Action = (req, { engine }) => {
  const arn = stateMachineArn(requiredString(req, 'stateMachineArn', 256));
  const { page, nextToken } = arnPage(req, engine.versions.list(arn));
  return {
    stateMachineVersions: page.map((v) => ({ stateMachineVersionArn: v.arn, creationDate: epochSeconds(v.createdMs) })),
    ...(nextToken && { nextToken }),
  };
};
