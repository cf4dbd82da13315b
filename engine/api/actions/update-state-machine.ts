/** UpdateStateMachine: a new definition, role or configuration; running executions keep their own. */
import { ApiError } from '../../engine.ts';
import { stateMachineArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { epochSeconds, optionalBool, optionalDefinitionString, optionalString, requiredString } from '../protocol.ts';
import { machineConfiguration, roleArn } from './shared.ts';

export const updateStateMachine: Action = (req, { engine }) => {
  const arn = stateMachineArn(requiredString(req, 'stateMachineArn', 256));
  const definition = optionalDefinitionString(req, 'definition');
  const role = optionalString(req, 'roleArn', 256);
  const configuration = machineConfiguration(req);
  const publish = optionalBool(req, 'publish') ?? false;
  const versionDescription = optionalString(req, 'versionDescription', 256);
  if (versionDescription !== undefined && !publish) throw new ApiError('ValidationException', 'Version description can only be set when publish is true');
  if (definition === undefined && role === undefined && req.loggingConfiguration == null && req.tracingConfiguration == null) {
    throw new ApiError('MissingRequiredParameter', 'Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified');
  }
  const sm = engine.updateStateMachine(arn, {
    definition,
    roleArn: role === undefined ? undefined : roleArn(role),
    meta: {
      ...(req.loggingConfiguration != null && { loggingConfiguration: configuration.loggingConfiguration }),
      ...(req.tracingConfiguration != null && { tracingConfiguration: configuration.tracingConfiguration }),
    },
  });
  const version = publish ? engine.publishStateMachineVersion(arn, { description: versionDescription }) : undefined;
  const revisionId = engine.stateMachineMeta(sm).revisionId;
  return { updateDate: epochSeconds(sm.updatedMs), ...(revisionId && { revisionId }), ...(version && { stateMachineVersionArn: version.arn }) };
};
