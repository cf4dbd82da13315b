/** DescribeStateMachineForExecution: the definition and role the execution started with, even after an update. */
import { executionArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { epochSeconds, requiredString } from '../protocol.ts';
import { configurations } from '../wire.ts';

export const describeStateMachineForExecution: Action = (req, { engine }) => {
  const sm = engine.describeStateMachineForExecution(executionArn(requiredString(req, 'executionArn', 256)));
  return {
    stateMachineArn: sm.stateMachineArn,
    name: sm.name,
    definition: sm.definition,
    roleArn: sm.roleArn,
    updateDate: epochSeconds(sm.updatedMs),
    ...configurations(sm.meta),
  };
};
