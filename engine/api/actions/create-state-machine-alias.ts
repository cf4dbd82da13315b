/** CreateStateMachineAlias: one or two versions of one machine, weights summing to 100; idempotent as on AWS. */
import type { Action } from '../protocol.ts';
import { epochSeconds, optionalString, requiredString } from '../protocol.ts';
import { routingConfiguration } from './shared.ts';

export const createStateMachineAlias: Action = (req, { engine }) => {
  const name = requiredString(req, 'name', 80);
  const description = optionalString(req, 'description', 256);
  const a = engine.createStateMachineAlias({ name, description, routingConfiguration: routingConfiguration(req, true)! });
  return { stateMachineAliasArn: a.arn, creationDate: epochSeconds(a.createdMs) };
};
