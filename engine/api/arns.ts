/**
 * ARN checks: a request that names a resource by a malformed ARN, or by the ARN of the wrong kind
 * of resource, gets InvalidArn before anything looks the resource up.
 */
import { ApiError } from '../engine.ts';

/** The resource types of `arn:<partition>:states:<region>:<account>:<type>:...`. */
export const ResourceType = {
  StateMachine: 'stateMachine',
  Execution: 'execution',
  Express: 'express',
  Activity: 'activity',
  MapRun: 'mapRun',
} as const;
export type ResourceType = (typeof ResourceType)[keyof typeof ResourceType];

const ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:([A-Za-z]+):(.+)$/;

/** Throws InvalidArn unless `arn` is a Step Functions ARN of one of `types`; returns its type. */
export function checkArn(arn: string, types: readonly ResourceType[]): ResourceType {
  const m = ARN.exec(arn);
  if (!m) throw new ApiError('InvalidArn', `Invalid Arn: 'Invalid ARN prefix: ${arn}'`);
  const type = m[1] as ResourceType;
  if (!types.includes(type)) throw new ApiError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${m[1]}'`);
  return type;
}

/** A state machine ARN. */
export function stateMachineArn(arn: string): string {
  checkArn(arn, [ResourceType.StateMachine]);
  return arn;
}

/**
 * A Standard execution's ARN. Express executions are not recorded by AWS: the actions that read
 * an execution refuse their ARNs as AWS does.
 */
export function executionArn(arn: string): string {
  checkArn(arn, [ResourceType.Execution]);
  return arn;
}

/** A resource that carries tags: a state machine or an activity. */
export function taggableArn(arn: string): string {
  checkArn(arn, [ResourceType.StateMachine, ResourceType.Activity]);
  return arn;
}

/** An activity ARN. */
export function activityArn(arn: string): string {
  checkArn(arn, [ResourceType.Activity]);
  return arn;
}
