/** SendTaskFailure: fails a `.waitForTaskToken` task with an error and cause its Retry and Catch see. */
import type { Action } from '../protocol.ts';
import { optionalString, requiredString } from '../protocol.ts';

export const sendTaskFailure: Action = (req, { engine }) => {
  const token = requiredString(req, 'taskToken', 2048);
  engine.sendTaskFailure(token, optionalString(req, 'error', 256), optionalString(req, 'cause', 32768));
  return {};
};
