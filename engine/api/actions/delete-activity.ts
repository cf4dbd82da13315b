/** DeleteActivity; an unknown activity is no error, as on AWS. */
import { activityArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { requiredString } from '../protocol.ts';

export const deleteActivity: Action = (req, { engine }) => {
  engine.activities.delete(activityArn(requiredString(req, 'activityArn', 256)));
  return {};
};
