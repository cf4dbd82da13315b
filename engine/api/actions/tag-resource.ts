/** TagResource: tags on a state machine. */
import { stateMachineArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { requiredString, tagList } from '../protocol.ts';

export const tagResource: Action = (req, { engine }) => {
  const arn = stateMachineArn(requiredString(req, 'resourceArn', 256));
  engine.tagResource(arn, tagList(req, 'tags'));
  return {};
};
