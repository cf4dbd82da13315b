/** DeleteStateMachineAlias; an unknown alias is no error, as on AWS. */
import { stateMachineArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { requiredString } from '../protocol.ts';

export const deleteStateMachineAlias: Action = (req, { engine }) => {
  engine.versions.deleteAlias(stateMachineArn(requiredString(req, 'stateMachineAliasArn', 256)));
  return {};
};
