/** CreateActivity: idempotent by name, as on AWS. */
import type { Action } from '../protocol.ts';
import { epochSeconds, optionalObject, requiredString, tagList } from '../protocol.ts';
import type { JsonValue } from '../../json.ts';

export const createActivity: Action = (req, { engine }) => {
  const name = requiredString(req, 'name', 80);
  const encryptionConfiguration = optionalObject(req, 'encryptionConfiguration') as JsonValue | undefined;
  const a = engine.activities.create({ name, meta: { tags: tagList(req, 'tags'), ...(encryptionConfiguration && { encryptionConfiguration }) } });
  return { activityArn: a.arn, creationDate: epochSeconds(a.createdMs) };
};
