/**
 * StartExecution: idempotent by name as on AWS (the same name and input while the first is still
 * running returns it). `arn...:stateMachine:Name#TestCase` runs the machine with the mocked
 * responses of a MockConfigFile test case, as Step Functions Local does.
 */
import type { StartExecutionRequest } from '../../engine.ts';
import { stateMachineArn } from '../arns.ts';
import type { Action, ApiRequest } from '../protocol.ts';
import { PayloadKind, epochSeconds, optionalString, payloadString, requiredString } from '../protocol.ts';

/** The members StartExecution and StartSyncExecution share. */
export function startRequest(req: ApiRequest): StartExecutionRequest {
  const target = requiredString(req, 'stateMachineArn');
  const hash = target.indexOf('#');
  stateMachineArn(hash >= 0 ? target.slice(0, hash) : target);
  optionalString(req, 'traceHeader', 256);
  return { stateMachineArn: target, name: optionalString(req, 'name', 80), input: payloadString(req, 'input', PayloadKind.ExecutionInput) };
}

export const startExecution: Action = (req, { engine }) => {
  const { executionArn, startDate } = engine.startExecution(startRequest(req));
  return { executionArn, startDate: epochSeconds(startDate) };
};
