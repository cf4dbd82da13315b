/**
 * Local physical names, and what `Ref` and `Fn::GetAtt` answer for each resource type.
 *
 * A resource's name is its name property when the template gives one, else a stable name built as
 * CloudFormation builds one (`<stack>-<logicalId>-<suffix>`, cut to the type's length limit), the
 * suffix a hash of the stack and logical id instead of a random one, so a restart finds the same
 * queues, tables and state machines again.
 */
import { createHash } from 'node:crypto';
import type { JsonValue } from '../../engine/json.ts';

/** The property that names a resource of each type, and the longest name the type takes. */
const NAMING: Record<string, { property: string; max: number; lower?: boolean; suffix?: (props: Record<string, JsonValue>) => string }> = {
  'AWS::S3::Bucket': { property: 'BucketName', max: 63, lower: true },
  'AWS::SQS::Queue': { property: 'QueueName', max: 80, suffix: (p) => (p.FifoQueue === true || p.FifoQueue === 'true' ? '.fifo' : '') },
  'AWS::SNS::Topic': { property: 'TopicName', max: 256, suffix: (p) => (p.FifoTopic === true || p.FifoTopic === 'true' ? '.fifo' : '') },
  'AWS::DynamoDB::Table': { property: 'TableName', max: 255 },
  'AWS::DynamoDB::GlobalTable': { property: 'TableName', max: 255 },
  'AWS::Lambda::Function': { property: 'FunctionName', max: 64 },
  'AWS::Events::Rule': { property: 'Name', max: 64 },
  'AWS::Scheduler::Schedule': { property: 'Name', max: 64 },
  'AWS::ApiGatewayV2::Api': { property: 'Name', max: 128 },
  'AWS::SecretsManager::Secret': { property: 'Name', max: 512 },
  'AWS::StepFunctions::StateMachine': { property: 'StateMachineName', max: 80 },
  'AWS::IAM::Role': { property: 'RoleName', max: 64 },
  'AWS::Logs::LogGroup': { property: 'LogGroupName', max: 512 },
};

/** The property holding the name of a resource type, if it has one. */
export function nameProperty(type: string): string | undefined {
  return NAMING[type]?.property;
}

/**
 * The name CloudFormation would generate, made stable.
 *
 * @example
 * generatedName('AWS::SQS::Queue', 'orders', 'Jobs1A2B3C4D', {}); // 'orders-Jobs1A2B3C4D-5QX2...'
 */
export function generatedName(type: string, stackName: string, logicalId: string, props: Record<string, JsonValue>): string {
  const naming = NAMING[type] ?? { property: '', max: 128 };
  const suffix = naming.suffix?.(props) ?? '';
  const hash = createHash('sha256').update(`${stackName}/${logicalId}`).digest('hex').slice(0, 12).toUpperCase();
  const head = `${stackName}-${logicalId}`.slice(0, naming.max - hash.length - 1 - suffix.length);
  const name = `${head}-${hash}${suffix}`;
  return naming.lower ? name.toLowerCase().replace(/[^a-z0-9.-]/g, '-') : name;
}

/** Where values resolve: the local stack's region and account. */
export interface Place {
  region: string;
  accountId: string;
}

/** A resource as names see it. */
export interface NamedResource {
  type: string;
  logicalId: string;
  name: string;
}

/** What `Ref` answers for a resource. */
export function refOf(r: NamedResource, at: Place): JsonValue {
  switch (r.type) {
    case 'AWS::SQS::Queue':
      return `{{queue:${r.name}}}`;
    case 'AWS::SecretsManager::Secret':
      return `{{secret:${r.name}}}`;
    case 'AWS::SNS::Topic':
    case 'AWS::StepFunctions::StateMachine':
      return arnOf(r, at);
    case 'AWS::ApiGatewayV2::Integration':
    case 'AWS::ApiGatewayV2::Route':
      // the Route's Target is "integrations/<Ref of the integration>": the logical id finds it back
      return r.logicalId;
    default:
      return r.name;
  }
}

/** What `Fn::GetAtt` answers for a resource's attribute. */
export function attributeOf(r: NamedResource, attribute: string, at: Place): JsonValue {
  switch (`${r.type}.${attribute}`) {
    case 'AWS::SQS::Queue.QueueUrl':
      return `{{queue:${r.name}}}`;
    case 'AWS::SQS::Queue.QueueName':
    case 'AWS::SNS::Topic.TopicName':
    case 'AWS::StepFunctions::StateMachine.Name':
    case 'AWS::Events::Rule.Name':
    case 'AWS::SecretsManager::Secret.Name':
      return r.name;
    case 'AWS::SNS::Topic.TopicArn':
      return arnOf(r, at);
    case 'AWS::S3::Bucket.DomainName':
      return `${r.name}.s3.amazonaws.com`;
    case 'AWS::S3::Bucket.RegionalDomainName':
      return `${r.name}.s3.${at.region}.amazonaws.com`;
    case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
      return `{{httpApi:${r.name}}}`;
    case 'AWS::ApiGatewayV2::Api.ApiId':
      return r.name;
    case 'AWS::DynamoDB::Table.StreamArn':
    case 'AWS::DynamoDB::GlobalTable.StreamArn':
      return `${arnOf(r, at)}/stream/1970-01-01T00:00:00.000`;
    case 'AWS::SecretsManager::Secret.Id':
      return `{{secret:${r.name}}}`;
  }
  if (attribute === 'Arn' || attribute.endsWith('Arn')) return arnOf(r, at);
  // an attribute nothing local reads: a recognisable stand-in rather than a failure, as resolution is lazy
  return `${r.logicalId}.${attribute}`;
}

/** A resource's ARN, as AWS writes it for the type. */
export function arnOf(r: NamedResource, { region, accountId }: Place): string {
  switch (r.type) {
    case 'AWS::S3::Bucket':
      return `arn:aws:s3:::${r.name}`;
    case 'AWS::SQS::Queue':
      return `arn:aws:sqs:${region}:${accountId}:${r.name}`;
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${region}:${accountId}:${r.name}`;
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable':
      return `arn:aws:dynamodb:${region}:${accountId}:table/${r.name}`;
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${region}:${accountId}:function:${r.name}`;
    case 'AWS::StepFunctions::StateMachine':
      return `arn:aws:states:${region}:${accountId}:stateMachine:${r.name}`;
    case 'AWS::Events::Rule':
      return `arn:aws:events:${region}:${accountId}:rule/${r.name}`;
    case 'AWS::Scheduler::Schedule':
      return `arn:aws:scheduler:${region}:${accountId}:schedule/default/${r.name}`;
    case 'AWS::SecretsManager::Secret':
      return `{{secret:${r.name}}}`;
    case 'AWS::IAM::Role':
      return `arn:aws:iam::${accountId}:role/${r.name}`;
    case 'AWS::Logs::LogGroup':
      return `arn:aws:logs:${region}:${accountId}:log-group:${r.name}:*`;
    default: {
      const [, service = 'unknown', kind = 'resource'] = r.type.split('::');
      return `arn:aws:${service.toLowerCase()}:${region}:${accountId}:${kind.toLowerCase()}/${r.name}`;
    }
  }
}

/** What kind of local resource an ARN names, and its name. */
export type ArnTarget = { kind: 'function' | 'stateMachine' | 'queue' | 'topic'; name: string } | { kind: 'other'; arn: string };

/**
 * Reads a target ARN back (a rule's, a schedule's, an integration's).
 *
 * @example
 * targetOfArn('arn:aws:states:us-east-1:123456789012:stateMachine:jobs'); // { kind: 'stateMachine', name: 'jobs' }
 */
export function targetOfArn(arn: string): ArnTarget {
  const fn = /:lambda:[^:]*:[^:]*:function:([A-Za-z0-9_-]+)/.exec(arn);
  if (fn) return { kind: 'function', name: fn[1] };
  const sm = /^arn:[^:]+:states:[^:]*:[^:]*:stateMachine:([^:]+)$/.exec(arn);
  if (sm) return { kind: 'stateMachine', name: sm[1] };
  const q = /^arn:[^:]+:sqs:[^:]*:[^:]*:([^:]+)$/.exec(arn);
  if (q) return { kind: 'queue', name: q[1] };
  const t = /^arn:[^:]+:sns:[^:]*:[^:]*:([^:]+)$/.exec(arn);
  if (t) return { kind: 'topic', name: t[1] };
  return { kind: 'other', arn };
}
