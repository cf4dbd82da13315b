/** RedriveExecution: restarts a failed, timed-out or aborted Standard execution from the states that did not succeed. */
import { executionArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { epochSeconds, optionalString, requiredString } from '../protocol.ts';

export const redriveExecution: Action = (req, { engine }) => {
  const arn = executionArn(requiredString(req, 'executionArn', 256));
  optionalString(req, 'clientToken', 64);
  const { redriveDate } = engine.redriveExecution(arn);
  return { redriveDate: epochSeconds(redriveDate) };
};
