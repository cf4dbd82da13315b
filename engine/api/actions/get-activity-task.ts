/**
 * GetActivityTask: a long poll. Answers as soon as a task of the activity is there, with its token
 * and input; after 60 s without one, `{}` (no taskToken), as AWS does. The poll ends early, with
 * `{}`, when the client goes away or the server or the engine stops.
 */
import { activityArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { optionalString, requiredString } from '../protocol.ts';

export const getActivityTask: Action = async (req, { engine, signal }) => {
  const arn = activityArn(requiredString(req, 'activityArn', 256));
  const workerName = optionalString(req, 'workerName', 80);
  const task = await engine.getActivityTask(arn, workerName, signal);
  return task ? { taskToken: task.taskToken, input: task.input } : {};
};
