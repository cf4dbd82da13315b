/** ListTagsForResource. */
import { taggableArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { requiredString } from '../protocol.ts';

export const listTagsForResource: Action = (req, { engine }) => {
  const tags = engine.listTagsForResource(taggableArn(requiredString(req, 'resourceArn', 256)));
  return { tags: Object.entries(tags).map(([key, value]) => ({ key, value })) };
};
