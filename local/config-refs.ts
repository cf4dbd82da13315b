/**
 * References in `longhaul.config.json` to things the local stack only knows once it runs: ARNs of
 * the functions and state machines it creates, URLs of its queues and servers. They stand where
 * CloudFormation would put `Fn::GetAtt`: in a state machine's definition substitutions and in a
 * function's environment.
 *
 * A reference is `{{kind:name}}` or `{{kind}}`:
 * - `{{function:NAME}}`: the ARN of a configured function
 * - `{{stateMachine:NAME}}`: the ARN of a configured state machine
 * - `{{queue:NAME}}`: the URL of a configured queue
 * - `{{bucket:NAME}}`: the bucket's name, checked to be a configured one
 * - `{{table:NAME}}`: the DynamoDB table's name, checked to be a configured one
 * - `{{topic:NAME}}`: the ARN of a configured SNS topic; `{{secret:NAME}}`: a configured secret's ARN
 * - `{{httpApi:NAME}}`: the base URL of a configured HTTP API
 * - `{{callbacks}}`: the callback receiver's base URL; `{{bi}}`: the BI service simulator's URL
 * - `{{api}}`: the Step Functions API; `{{services}}`: the S3/SQS/SNS endpoint; `{{dynamodb}}`: DynamoDB's
 *
 * `{{...}}` is used rather than `${...}` so that a reference can never be mistaken for one of the
 * ASL's own `${Name}` placeholders, which the references fill.
 */

/** What the stack resolves references against. */
export interface StackRefs {
  functions: Record<string, string>;
  stateMachines: Record<string, string>;
  queues: Record<string, string>;
  buckets: string[];
  /** DynamoDB table names (absent: none) */
  tables?: string[];
  /** topic name → ARN (absent: none) */
  topics?: Record<string, string>;
  /** secret name → ARN (absent: none) */
  secrets?: Record<string, string>;
  /** HTTP API name → base URL (absent: none) */
  httpApis?: Record<string, string>;
  urls: { callbacks: string; bi: string; api: string; services: string; dynamodb?: string };
}

/** A reference that names nothing the config creates. */
export class UnknownReference extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownReference';
  }
}

const REFERENCE = /\{\{\s*([A-Za-z]+)(?::([^}]+?))?\s*\}\}/g;

/**
 * Replaces every reference in `text`; `where` names the setting in error messages.
 *
 * @example
 * resolveRefs('{{function:notify}}', refs, 'stateMachines[report-etl].substitutions.NotifyFunctionArn');
 * // 'arn:aws:lambda:us-east-1:123456789012:function:notify'
 */
export function resolveRefs(text: string, refs: StackRefs, where: string): string {
  return text.replace(REFERENCE, (whole, kind: string, name: string | undefined) => {
    const named = (table: Record<string, string>, what: string) => {
      if (name === undefined) throw new UnknownReference(`${where}: ${whole} needs a name (${kind}:NAME)`);
      const value = Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
      if (value === undefined) {
        const known = Object.keys(table);
        throw new UnknownReference(`${where}: ${whole} names no ${what} of this config${known.length ? ` (there are: ${known.join(', ')})` : ''}`);
      }
      return value;
    };
    switch (kind) {
      case 'function':
        return named(refs.functions, 'function');
      case 'stateMachine':
        return named(refs.stateMachines, 'state machine');
      case 'queue':
        return named(refs.queues, 'queue');
      case 'bucket':
        return named(Object.fromEntries(refs.buckets.map((b) => [b, b])), 'bucket');
      case 'table':
        return named(Object.fromEntries((refs.tables ?? []).map((t) => [t, t])), 'table');
      case 'topic':
        return named(refs.topics ?? {}, 'topic');
      case 'secret':
        return named(refs.secrets ?? {}, 'secret');
      case 'httpApi':
        return named(refs.httpApis ?? {}, 'HTTP API');
      case 'callbacks':
      case 'bi':
      case 'api':
      case 'services':
      case 'dynamodb': {
        if (name !== undefined) throw new UnknownReference(`${where}: ${whole} takes no name`);
        const url = refs.urls[kind];
        if (url === undefined) throw new UnknownReference(`${where}: ${whole} names no endpoint of this stack`);
        return url;
      }
      default:
        throw new UnknownReference(`${where}: ${whole} is not a reference the local stack knows (function, stateMachine, queue, bucket, table, topic, secret, httpApi, callbacks, bi, api, services, dynamodb)`);
    }
  });
}

/**
 * Resolves every value of a string map.
 *
 * @example
 * resolveAll({ STATE_MACHINE_ARN: '{{stateMachine:report-etl}}' }, refs, 'functions[start-from-s3].environment');
 */
export function resolveAll(values: Record<string, string> | undefined, refs: StackRefs, where: string): Record<string, string> {
  return Object.fromEntries(Object.entries(values ?? {}).map(([k, v]) => [k, resolveRefs(v, refs, `${where}.${k}`)]));
}
