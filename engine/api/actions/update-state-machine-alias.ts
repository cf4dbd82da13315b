/** UpdateStateMachineAlias: a new description or routing configuration. */
import { ApiError } from '../../engine.ts';
import { stateMachineArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { epochSeconds, optionalString, requiredString } from '../protocol.ts';
import { routingConfiguration } from './shared.ts';

export const updateStateMachineAlias: Action = (req, { engine }) => {
  const arn = stateMachineArn(requiredString(req, 'stateMachineAliasArn', 256));
  const description = optionalString(req, 'description', 256);
  const routes = routingConfiguration(req, false);
  if (description === undefined && routes === undefined) {
    throw new ApiError('ValidationException', 'Either the description or the RoutingConfiguration must be specified');
  }
  const a = engine.versions.updateAlias(arn, { description, routingConfiguration: routes });
  return { updateDate: epochSeconds(a.updatedMs) };
};
