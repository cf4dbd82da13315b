/**
 * StopExecution: ends a running execution as ABORTED with the given error and cause, and answers
 * once it has stopped. An execution that has already ended is left as it is, and its stop date
 * answered: the API has no error for it.
 */
import { ApiError } from '../../engine.ts';
import { executionArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { epochSeconds, optionalString, requiredString } from '../protocol.ts';

export const stopExecution: Action = async (req, { engine }) => {
  const arn = executionArn(requiredString(req, 'executionArn', 256));
  const error = optionalString(req, 'error', 256);
  const cause = optionalString(req, 'cause', 32768);
  try {
    engine.stopExecution(arn, error, cause);
  } catch (e) {
    if (!(e instanceof ApiError && e.type === 'ExecutionNotRunning')) throw e;
  }
  await engine.waitFor(arn);
  const row = engine.describeExecution(arn);
  return { stopDate: epochSeconds(row.stopMs ?? engine.scheduler.now()) };
};
