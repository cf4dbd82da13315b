/** CreateStateMachine: validates the definition and stores the machine (and, with `publish`, its first version); idempotent as on AWS. */
import { ApiError } from '../../engine.ts';
import type { Action } from '../protocol.ts';
import { definitionString, epochSeconds, optionalBool, optionalEnum, optionalString, requiredString, tagList } from '../protocol.ts';
import { machineConfiguration, roleArn } from './shared.ts';

export const createStateMachine: Action = (req, { engine }) => {
  const name = requiredString(req, 'name', 80);
  const definition = definitionString(req, 'definition');
  const role = roleArn(requiredString(req, 'roleArn', 256));
  const type = optionalEnum(req, 'type', ['STANDARD', 'EXPRESS'] as const);
  const meta = { ...machineConfiguration(req), tags: tagList(req, 'tags') };
  const publish = optionalBool(req, 'publish') ?? false;
  const versionDescription = optionalString(req, 'versionDescription', 256);
  if (versionDescription !== undefined && !publish) throw new ApiError('ValidationException', 'Version description can only be set when publish is true');
  const sm = engine.createStateMachine({ name, definition, roleArn: role, type, meta });
  const version = publish ? engine.publishStateMachineVersion(sm.arn, { description: versionDescription }) : undefined;
  return { stateMachineArn: sm.arn, creationDate: epochSeconds(sm.createdMs), ...(version && { stateMachineVersionArn: version.arn }) };
};
