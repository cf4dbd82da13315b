/** DescribeActivity. */
import { activityArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { epochSeconds, requiredString } from '../protocol.ts';

export const describeActivity: Action = (req, { engine }) => {
  const a = engine.activities.get(activityArn(requiredString(req, 'activityArn', 256)));
  const { encryptionConfiguration } = engine.activities.meta(a);
  return { activityArn: a.arn, name: a.name, creationDate: epochSeconds(a.createdMs), ...(encryptionConfiguration && { encryptionConfiguration }) };
};
