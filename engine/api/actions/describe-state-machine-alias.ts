/** DescribeStateMachineAlias. */
import { stateMachineArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { epochSeconds, requiredString } from '../protocol.ts';

export const describeStateMachineAlias: Action = (req, { engine }) => {
  const a = engine.versions.alias(stateMachineArn(requiredString(req, 'stateMachineAliasArn', 256)));
  const meta = engine.versions.aliasMeta(a);
  return {
    stateMachineAliasArn: a.arn,
    name: a.name,
    ...(meta.description !== undefined && { description: meta.description }),
    routingConfiguration: meta.routingConfiguration,
    creationDate: epochSeconds(a.createdMs),
    updateDate: epochSeconds(a.updatedMs),
  };
};
