/** PublishStateMachineVersion: a version of the machine's current revision; idempotent as on AWS. */
import { stateMachineArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { epochSeconds, optionalString, requiredString } from '../protocol.ts';

export const publishStateMachineVersion: Action = (req, { engine }) => {
  const arn = stateMachineArn(requiredString(req, 'stateMachineArn', 256));
  const description = optionalString(req, 'description', 256);
  const revisionId = optionalString(req, 'revisionId', 256);
  const v = engine.publishStateMachineVersion(arn, { description, revisionId });
  return { creationDate: epochSeconds(v.createdMs), stateMachineVersionArn: v.arn };
};
