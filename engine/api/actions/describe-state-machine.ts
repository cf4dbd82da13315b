/** DescribeStateMachine. */
import { stateMachineArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { epochSeconds, requiredString } from '../protocol.ts';
import { configurations } from '../wire.ts';

export const describeStateMachine: Action = (req, { engine }) => {
  const arn = stateMachineArn(requiredString(req, 'stateMachineArn', 256));
  const version = engine.store.getVersion(arn);
  if (version) {
    // a version describes itself under its own ARN, with the machine's configuration
    const meta = engine.versions.meta(version);
    const sm = engine.getStateMachine(version.machineArn);
    return {
      stateMachineArn: version.arn, name: sm.name, status: 'ACTIVE', definition: version.definition, roleArn: version.roleArn, type: version.type,
      creationDate: epochSeconds(version.createdMs), ...configurations(engine.stateMachineMeta(sm)),
      revisionId: meta.revisionId, ...(meta.description !== undefined && { description: meta.description }),
    };
  }
  const sm = engine.getStateMachine(arn);
  const revisionId = engine.stateMachineMeta(sm).revisionId;
  return {
    stateMachineArn: sm.arn,
    name: sm.name,
    status: 'ACTIVE',
    definition: sm.definition,
    roleArn: sm.roleArn,
    type: sm.type,
    creationDate: epochSeconds(sm.createdMs),
    ...configurations(engine.stateMachineMeta(sm)),
    ...(revisionId && { revisionId }),
  };
};
