/** DescribeStateMachine. */
import { stateMachineArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { epochSeconds, requiredString } from '../protocol.ts';
import { configurations } from '../wire.ts';

export const describeStateMachine: Action = (req, { engine }) => {
  const sm = engine.getStateMachine(stateMachineArn(requiredString(req, 'stateMachineArn', 256)));
  return {
    stateMachineArn: sm.arn,
    name: sm.name,
    status: 'ACTIVE',
    definition: sm.definition,
    roleArn: sm.roleArn,
    type: sm.type,
    creationDate: epochSeconds(sm.createdMs),
    ...configurations(engine.stateMachineMeta(sm)),
  };
};
