/** DeleteStateMachineVersion: refused (ConflictException) while an alias routes to the version. */
import { stateMachineArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { requiredString } from '../protocol.ts';

export const deleteStateMachineVersion: Action = (req, { engine }) => {
  engine.versions.deleteVersion(stateMachineArn(requiredString(req, 'stateMachineVersionArn', 256)));
  return {};
};
