/** UntagResource: removes tags by key. */
import { taggableArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { optionalList, requiredString, validationError } from '../protocol.ts';

export const untagResource: Action = (req, { engine }) => {
  const arn = taggableArn(requiredString(req, 'resourceArn', 256));
  const keys = optionalList(req, 'tagKeys');
  if (keys === undefined) throw validationError("Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
  engine.untagResource(arn, keys.filter((k): k is string => typeof k === 'string'));
  return {};
};
