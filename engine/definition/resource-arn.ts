/**
 * A Task state's `Resource`, read once for the validator, the engine and the local integrations.
 *
 * Step Functions takes three kinds of resource:
 * - a Lambda function ARN, `arn:<partition>:lambda:<region>:<account>:function:<name>[:<version or alias>]`,
 *   which history shows as `LambdaFunction*` events;
 * - an activity ARN, `arn:<partition>:states:<region>:<account>:activity:<name>`;
 * - a service integration, `arn:<partition>:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken]`,
 *   where `<service>` is an optimized integration (`lambda`, `sqs`, `states`, `http`...) or
 *   `aws-sdk:<sdk service>`; history shows it as `Task*` events with `resourceType` the service
 *   (`lambda`, `aws-sdk:s3`) and `resource` the rest (`invoke.waitForTaskToken`, `startExecution.sync:2`).
 *
 * This reads the form only; which actions and patterns each optimized service has is the
 * validator's knowledge (validate/resources.ts).
 */

/** The partitions AWS has: the commercial one, China, GovCloud, the isolated regions and the EU sovereign cloud. */
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'] as const;
export type Partition = (typeof PARTITIONS)[number];

/** The integration pattern a service resource names by its suffix. */
export const IntegrationPattern = {
  RequestResponse: '',
  Sync: 'sync',
  Sync2: 'sync:2',
  Callback: 'waitForTaskToken',
} as const;
export type IntegrationPattern = (typeof IntegrationPattern)[keyof typeof IntegrationPattern];

export interface LambdaFunctionArn {
  kind: 'lambda';
  partition: Partition;
  region: string;
  accountId: string;
  functionName: string;
  /** a version (`1`, `$LATEST`) or an alias, when the ARN names one */
  qualifier: string | null;
}

export interface ActivityArn {
  kind: 'activity';
  partition: Partition;
  region: string;
  accountId: string;
  name: string;
}

export interface ServiceIntegrationArn {
  kind: 'integration';
  partition: Partition;
  /** `lambda`, `states`, `aws-sdk:s3`: what history records as `resourceType` */
  service: string;
  /** the API action without the pattern suffix: `invoke`, `startExecution`, `putObject` */
  action: string;
  pattern: IntegrationPattern;
  /** true for `aws-sdk:<service>:<action>` */
  sdk: boolean;
  /** history's `resourceType` (the same as `service`) */
  resourceType: string;
  /** history's `resource`: the action with its suffix, `startExecution.sync:2` */
  resource: string;
}

export type ResourceArn = LambdaFunctionArn | ActivityArn | ServiceIntegrationArn;

const PARTITION = `(${PARTITIONS.join('|')})`;
const REGION = '([a-z0-9-]+)';
const ACCOUNT = '(\\d{12})';
/** Lambda's own limits: 64 characters of letters, digits, `-` and `_`; a qualifier of up to 128. */
const LAMBDA = new RegExp(`^arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:([A-Za-z0-9_-]{1,64})(?::(\\$LATEST|[A-Za-z0-9_-]{1,128}))?$`);
const ACTIVITY = new RegExp(`^arn:${PARTITION}:states:${REGION}:${ACCOUNT}:activity:(.+)$`);
const INTEGRATION = new RegExp(`^arn:${PARTITION}:states:::(aws-sdk:)?([a-z][a-z0-9-]*):([A-Za-z][A-Za-z0-9]*)(?:\\.(sync:2|sync|waitForTaskToken))?$`);

/**
 * Reads a Task resource; `undefined` when it has none of the three forms.
 *
 * @example
 * parseResourceArn('arn:aws:states:::states:startExecution.sync:2')
 * // { kind: 'integration', partition: 'aws', service: 'states', action: 'startExecution', pattern: 'sync:2',
 * //   sdk: false, resourceType: 'states', resource: 'startExecution.sync:2' }
 * parseResourceArn('arn:aws-us-gov:states:::aws-sdk:s3:putObject')
 * // { kind: 'integration', service: 'aws-sdk:s3', action: 'putObject', pattern: '', resourceType: 'aws-sdk:s3', resource: 'putObject', ... }
 * parseResourceArn('arn:aws:lambda:us-east-1:123456789012:function:fn:prod')
 * // { kind: 'lambda', functionName: 'fn', qualifier: 'prod', ... }
 */
export function parseResourceArn(resource: string): ResourceArn | undefined {
  if (typeof resource !== 'string') return undefined;
  let m = LAMBDA.exec(resource);
  if (m) {
    return { kind: 'lambda', partition: m[1] as Partition, region: m[2], accountId: m[3], functionName: m[4], qualifier: m[5] ?? null };
  }
  m = ACTIVITY.exec(resource);
  if (m) return { kind: 'activity', partition: m[1] as Partition, region: m[2], accountId: m[3], name: m[4] };
  m = INTEGRATION.exec(resource);
  if (!m) return undefined;
  const sdk = m[2] !== undefined;
  const service = sdk ? `aws-sdk:${m[3]}` : m[3];
  const action = m[4];
  const pattern = (m[5] ?? '') as IntegrationPattern;
  return {
    kind: 'integration',
    partition: m[1] as Partition,
    service,
    action,
    pattern,
    sdk,
    resourceType: service,
    resource: pattern === IntegrationPattern.RequestResponse ? action : `${action}.${pattern}`,
  };
}

/** The pattern as task flavours name it: `.sync` and `.sync:2` both wait for a job. */
export function flavorPattern(pattern: IntegrationPattern): 'request' | 'sync' | 'waitForTaskToken' {
  if (pattern === IntegrationPattern.Sync || pattern === IntegrationPattern.Sync2) return 'sync';
  return pattern === IntegrationPattern.Callback ? 'waitForTaskToken' : 'request';
}
