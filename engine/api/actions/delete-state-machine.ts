/** DeleteStateMachine: succeeds for an unknown ARN too, as on AWS; executions already started run on. */
import { stateMachineArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { requiredString } from '../protocol.ts';

export const deleteStateMachine: Action = (req, { engine }) => {
  engine.deleteStateMachine(stateMachineArn(requiredString(req, 'stateMachineArn', 256)));
  return {};
};
