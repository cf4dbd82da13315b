/** SendTaskSuccess: the result of a `.waitForTaskToken` task. */
import type { Action } from '../protocol.ts';
import { PayloadKind, payloadString, requiredString, validationError } from '../protocol.ts';

export const sendTaskSuccess: Action = (req, { engine }) => {
  const token = requiredString(req, 'taskToken', 2048);
  const output = payloadString(req, 'output', PayloadKind.TaskOutput);
  if (output === undefined) throw validationError("Value null at 'output' failed to satisfy constraint: Member must not be null");
  engine.sendTaskSuccess(token, output);
  return {};
};
