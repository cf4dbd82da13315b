/** CreateStateMachine: validates the definition and stores the machine; idempotent as on AWS. */
import type { Action } from '../protocol.ts';
import { definitionString, epochSeconds, optionalEnum, requiredString, tagList } from '../protocol.ts';
import { machineConfiguration, roleArn } from './shared.ts';

export const createStateMachine: Action = (req, { engine }) => {
  const name = requiredString(req, 'name', 80);
  const definition = definitionString(req, 'definition');
  const role = roleArn(requiredString(req, 'roleArn', 256));
  const type = optionalEnum(req, 'type', ['STANDARD', 'EXPRESS'] as const);
  const meta = { ...machineConfiguration(req), tags: tagList(req, 'tags') };
  const sm = engine.createStateMachine({ name, definition, roleArn: role, type, meta });
  return { stateMachineArn: sm.arn, creationDate: epochSeconds(sm.createdMs) };
};
