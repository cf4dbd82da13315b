/** TagResource: tags on a state machine or an activity. */
import { taggableArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { requiredString, tagList } from '../protocol.ts';

export const tagResource: Action = (req, { engine }) => {
  const arn = taggableArn(requiredString(req, 'resourceArn', 256));
  engine.tagResource(arn, tagList(req, 'tags'));
  return {};
};
