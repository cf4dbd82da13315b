/**
 * A CloudFormation app (one or more stacks) mapped onto the local stack's config: each resource
 * either runs (it becomes a bucket, queue, function, rule, state machine... of the config), needs
 * nothing locally (IAM, log groups, policies, CDK metadata), or is listed as not run, with why.
 * Nothing is dropped silently: `MappedApp.resources` has one entry per resource of every stack.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonValue } from '../../engine/json.ts';
import type { TableConfig, TableKey } from '../services/dynamodb.ts';
import type { StackRule, StackStateMachine } from '../stack.ts';
import type { InputTransformer } from '../triggers/target-input.ts';
import type { AppStack } from './assembly.ts';
import type { StackConfig as CloudStackConfig } from '../stack.ts';
import type { HttpApiConfig } from '../http/http-apis.ts';
import { Intrinsics, TemplateError, type CfnResource } from './intrinsics.ts';
import { attributeOf, generatedName, nameProperty, refOf, targetOfArn, type NamedResource, type Place } from './names.ts';

/** What became of one resource. */
export type ResourceOutcome =
  | { kind: 'run'; localName: string; /** parts of it that do not run (a rule's queue target...) */ partlyNotRun?: string[] }
  | { kind: 'needsNothing' }
  | { kind: 'notRun'; reason: string };

export interface MappedResource {
  stack: string;
  logicalId: string;
  type: string;
  outcome: ResourceOutcome;
}

/** A file the config needs written to its folder (a resolved state machine definition). */
export interface GeneratedFile {
  /** relative to the config's folder */
  path: string;
  content: string;
}

/** A function's code folder copied with a CommonJS marker (see `functionModule`). */
export interface CopiedFolder {
  from: string;
  /** relative to the config's folder */
  to: string;
  packageJson: string;
}

export interface MappedApp {
  /** paths in it are relative to the folder the generated files are written to, or absolute */
  config: CloudStackConfig;
  files: GeneratedFile[];
  copies: CopiedFolder[];
  resources: MappedResource[];
  /**
   * each stack's Outputs with their local values, by stack name then output id (an output whose
   * value cannot be resolved locally is left out): what a person reads after a deploy
   */
  outputs: Record<string, Record<string, string>>;
}

export interface MapOptions extends Partial<Place> {
  /** parameter values by name, over the templates' defaults */
  parameters?: Record<string, string>;
}

/** Types that have no behaviour to run locally: permissions, logging, metadata, deployment plumbing. */
const NEEDS_NOTHING = new Set([
  'AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::InstanceProfile', 'AWS::IAM::ServiceLinkedRole',
  'AWS::Logs::LogGroup', 'AWS::Logs::LogStream', 'AWS::Logs::ResourcePolicy',
  'AWS::Lambda::Permission', 'AWS::S3::BucketPolicy', 'AWS::SQS::QueuePolicy', 'AWS::SNS::TopicPolicy',
  'AWS::CDK::Metadata', 'AWS::ApiGatewayV2::Stage', 'AWS::ApiGatewayV2::Deployment',
  'AWS::KMS::Key', 'AWS::KMS::Alias', 'AWS::SecretsManager::ResourcePolicy', 'AWS::Events::EventBusPolicy',
  'AWS::CloudFormation::WaitConditionHandle',
]);

/** Why the common types with behaviour of their own do not run locally. */
const NOT_RUN_BECAUSE: Record<string, string> = {
  'AWS::CloudWatch::Alarm': 'no CloudWatch metrics locally, so the alarm never changes state',
  'AWS::CloudWatch::Dashboard': 'no CloudWatch locally',
  'AWS::CloudFormation::Stack': 'a nested stack: run its template with --template',
  'AWS::Lambda::Version': 'functions run as $LATEST only',
  'AWS::Lambda::Alias': 'functions run as $LATEST only',
  'AWS::Lambda::LayerVersion': 'layers are not applied locally',
  'AWS::Events::EventBus': 'only the default event bus runs locally',
  'AWS::Events::Archive': 'no event archive or replay locally',
  'AWS::Pipes::Pipe': 'EventBridge Pipes do not run locally',
  'AWS::SSM::Parameter': 'no SSM Parameter Store locally',
};

const DEFAULT_PLACE: Place = { region: 'us-east-1', accountId: '123456789012' };

/**
 * Maps an app's stacks onto a local stack config.
 *
 * Caveats: a rule target aimed at a topic or another service is listed as not run (local rules
 * start state machines, invoke functions and send to queues); S3 notifications
 * other than EventBridge's are listed as not run; only SQS event source mappings run.
 *
 * @example
 * const app = mapApp(readCloudAssembly('cdk.out'));
 * app.resources.filter((r) => r.outcome.kind === 'notRun'); // what the local stack will not run
 */
export function mapApp(stacks: readonly AppStack[], opts: MapOptions = {}): MappedApp {
  const place: Place = { region: opts.region ?? DEFAULT_PLACE.region, accountId: opts.accountId ?? DEFAULT_PLACE.accountId };
  const contexts = new Map<string, StackContext>();
  const exports = new Map<string, { stack: StackContext; value: JsonValue }>();
  const importValue = (name: string): JsonValue => {
    const found = exports.get(name);
    if (!found) throw new TemplateError(`Fn::ImportValue: no stack of the app exports ${name} (exports: ${[...exports.keys()].join(', ') || 'none'})`);
    const value = found.stack.intrinsics.resolve(found.value);
    if (value === undefined) throw new TemplateError(`the export ${name} has no value`);
    return value;
  };
  for (const stack of stacks) {
    const transform = (stack.template as { Transform?: unknown }).Transform;
    if (transform !== undefined) throw new TemplateError(`${stack.stackName}: its Transform ${JSON.stringify(transform)} is processed by CloudFormation at deployment; synthesize or package it into a plain template first`);
  }
  const shared = sharedApiNames(stacks);
  for (const stack of stacks) contexts.set(stack.artifactId, new StackContext(stack, place, opts.parameters, importValue, shared));
  for (const ctx of contexts.values()) {
    for (const [id, output] of Object.entries(ctx.stack.template.Outputs ?? {})) {
      if (!output.Export) continue;
      if (output.Condition && !ctx.intrinsics.condition(output.Condition)) continue;
      const name = ctx.intrinsics.string(output.Export.Name, `${ctx.stack.stackName} output ${id} Export.Name`);
      exports.set(name, { stack: ctx, value: output.Value });
    }
  }
  const out: MappedApp = { config: {}, files: [], copies: [], resources: [], outputs: {} };
  const mapper = new Mapper(out);
  for (const ctx of contexts.values()) {
    for (const [logicalId, resource] of Object.entries(ctx.stack.template.Resources ?? {})) {
      const outcome = mapper.map(ctx, logicalId, resource);
      out.resources.push({ stack: ctx.stack.stackName, logicalId, type: resource.Type, outcome });
    }
  }
  mapper.finish();
  for (const ctx of contexts.values()) out.outputs[ctx.stack.stackName] = outputsOf(ctx);
  return out;
}

function outputsOf(ctx: StackContext): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [id, output] of Object.entries(ctx.stack.template.Outputs ?? {})) {
    try {
      if (output.Condition && !ctx.intrinsics.condition(output.Condition)) continue;
      const value = ctx.intrinsics.resolve(output.Value);
      if (value !== undefined) values[id] = typeof value === 'string' ? value : JSON.stringify(value);
    } catch (e) {
      // an output is information for a person; one the local stack cannot resolve must not stop the app
      if (!(e instanceof TemplateError)) throw e;
    }
  }
  return values;
}

/** One stack's names and resolver. */
class StackContext {
  readonly stack: AppStack;
  readonly place: Place;
  readonly intrinsics: Intrinsics;
  private readonly names = new Map<string, string>();
  private readonly naming = new Set<string>();

  private readonly sharedApiNames: ReadonlySet<string>;

  constructor(stack: AppStack, place: Place, parameters: Record<string, string> | undefined, importValue: (name: string) => JsonValue, sharedApiNames: ReadonlySet<string>) {
    this.stack = stack;
    this.sharedApiNames = sharedApiNames;
    this.place = place;
    this.intrinsics = new Intrinsics(stack.template, {
      stackName: stack.stackName,
      region: place.region,
      accountId: place.accountId,
      parameters,
      ref: (id) => refOf(this.named(id), place),
      getAtt: (id, attr) => attributeOf(this.named(id), attr, place),
      importValue,
    });
  }

  resource(logicalId: string): CfnResource {
    const r = this.stack.template.Resources?.[logicalId];
    if (!r) throw new TemplateError(`${this.stack.stackName}: no resource ${logicalId}`);
    return r;
  }

  /** The local name of a resource: its name property, else a stable generated one. */
  name(logicalId: string): string {
    const known = this.names.get(logicalId);
    if (known !== undefined) return known;
    if (this.naming.has(logicalId)) throw new TemplateError(`${this.stack.stackName}: the name of ${logicalId} refers to itself`);
    this.naming.add(logicalId);
    const r = this.resource(logicalId);
    const property = nameProperty(r.Type);
    let given = property === undefined ? undefined : r.Properties?.[property];
    if (r.Type === 'AWS::ApiGatewayV2::Api' && typeof given === 'string' && this.sharedApiNames.has(given)) given = undefined;
    const name = given === undefined ? generatedName(r.Type, this.stack.stackName, logicalId, r.Properties ?? {}) : this.intrinsics.string(given, `${logicalId}.${property}`);
    this.names.set(logicalId, name);
    return name;
  }

  named(logicalId: string): NamedResource {
    return { type: this.resource(logicalId).Type, logicalId, name: this.name(logicalId) };
  }

  /** A resolved property, `undefined` when absent. */
  prop(r: CfnResource, key: string): JsonValue | undefined {
    return this.intrinsics.resolve(r.Properties?.[key]);
  }

  str(r: CfnResource, key: string, logicalId: string): string | undefined {
    const v = r.Properties?.[key];
    return v === undefined ? undefined : this.intrinsics.string(v, `${this.stack.stackName}/${logicalId}.${key}`);
  }

  num(r: CfnResource, key: string): number | undefined {
    const v = this.prop(r, key);
    return v === undefined ? undefined : Number(v);
  }
}

type Handler = (ctx: StackContext, logicalId: string, r: CfnResource) => ResourceOutcome;

class Mapper {
  private readonly out: MappedApp;
  private readonly apis = new Map<string, HttpApiConfig>();
  private readonly pendingRoutes: { ctx: StackContext; logicalId: string; r: CfnResource }[] = [];
  private readonly handlers: Record<string, Handler> = {
    'AWS::S3::Bucket': (c, id, r) => this.bucket(c, id, r),
    'AWS::SQS::Queue': (c, id, r) => this.queue(c, id, r),
    'AWS::SNS::Topic': (c, id, r) => this.topic(c, id, r),
    'AWS::SNS::Subscription': (c, id, r) => this.subscription(c, id, r),
    'AWS::DynamoDB::Table': (c, id, r) => this.table(c, id, r),
    'AWS::DynamoDB::GlobalTable': (c, id, r) => this.table(c, id, r),
    'AWS::Lambda::Function': (c, id, r) => this.function(c, id, r),
    'AWS::Lambda::EventSourceMapping': (c, id, r) => this.eventSourceMapping(c, id, r),
    'AWS::Events::Rule': (c, id, r) => this.rule(c, id, r),
    'AWS::Scheduler::Schedule': (c, id, r) => this.schedule(c, id, r),
    'AWS::ApiGatewayV2::Api': (c, id, r) => this.httpApi(c, id, r),
    'AWS::ApiGatewayV2::Route': (c, id, r) => {
      this.pendingRoutes.push({ ctx: c, logicalId: id, r });
      return { kind: 'run', localName: '(a route, mapped once every API is known)' };
    },
    'AWS::ApiGatewayV2::Integration': (c, id, r) => this.integration(c, id, r),
    'AWS::SecretsManager::Secret': (c, id, r) => this.secret(c, id, r),
    'AWS::StepFunctions::StateMachine': (c, id, r) => this.stateMachine(c, id, r),
  };

  constructor(out: MappedApp) {
    this.out = out;
  }

  get config(): CloudStackConfig {
    return this.out.config;
  }

  map(ctx: StackContext, logicalId: string, r: CfnResource): ResourceOutcome {
    if (r.Condition && !ctx.intrinsics.condition(r.Condition)) return { kind: 'notRun', reason: `not created: its condition ${r.Condition} is false` };
    if (NEEDS_NOTHING.has(r.Type)) return { kind: 'needsNothing' };
    if (r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource') return { kind: 'notRun', reason: 'a custom resource: its provider runs only during a deployment' };
    const handler = this.handlers[r.Type];
    if (!handler) return { kind: 'notRun', reason: NOT_RUN_BECAUSE[r.Type] ?? 'no local counterpart' };
    try {
      return handler(ctx, logicalId, r);
    } catch (e) {
      if (e instanceof TemplateError) throw new TemplateError(`${ctx.stack.stackName}/${logicalId} (${r.Type}): ${e.message}`, { cause: e });
      throw e;
    }
  }

  /** Routes last: they need every API and integration seen. */
  finish(): void {
    for (const { ctx, logicalId, r } of this.pendingRoutes) {
      const report = this.out.resources.find((m) => m.stack === ctx.stack.stackName && m.logicalId === logicalId);
      const outcome = this.route(ctx, logicalId, r);
      if (report) report.outcome = outcome;
    }
  }

  private bucket(c: StackContext, id: string, r: CfnResource): ResourceOutcome {
    const name = c.name(id);
    (this.config.buckets ??= []).push(name);
    const notifications = (c.prop(r, 'NotificationConfiguration') ?? {}) as Record<string, JsonValue>;
    const other = Object.keys(notifications).filter((k) => k !== 'EventBridgeConfiguration');
    return { kind: 'run', localName: name, ...(other.length > 0 ? { partlyNotRun: other.map((k) => `NotificationConfiguration.${k} (only EventBridge notifications run)`) } : {}) };
  }

  private queue(c: StackContext, id: string, r: CfnResource): ResourceOutcome {
    const name = c.name(id);
    const fifo = c.prop(r, 'FifoQueue');
    const visibility = c.num(r, 'VisibilityTimeout');
    const redrive = c.prop(r, 'RedrivePolicy');
    const policy = (typeof redrive === 'string' ? JSON.parse(redrive) : redrive) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string } | undefined;
    let deadLetter: { queue: string; maxReceiveCount: number } | undefined;
    if (policy?.deadLetterTargetArn) {
      const target = targetOfArn(policy.deadLetterTargetArn);
      if (target.kind !== 'queue') throw new TemplateError(`RedrivePolicy.deadLetterTargetArn is not a queue ARN: ${policy.deadLetterTargetArn}`);
      deadLetter = { queue: target.name, maxReceiveCount: Number(policy.maxReceiveCount ?? 1) };
    }
    const options = { ...(fifo === true || fifo === 'true' ? { fifo: true } : {}), ...(visibility === undefined ? {} : { visibilityTimeoutSeconds: visibility }), ...(deadLetter ? { deadLetter } : {}) };
    (this.config.queues ??= []).push(Object.keys(options).length === 0 ? name : { name, ...options });
    return { kind: 'run', localName: name };
  }

  private topic(c: StackContext, id: string, r: CfnResource): ResourceOutcome {
    const name = c.name(id);
    (this.config.topics ??= []).push(name);
    const unrun: string[] = [];
    for (const s of (c.prop(r, 'Subscription') ?? []) as { Protocol: string; Endpoint: string }[]) {
      if (!this.addSubscription(name, s.Protocol, s.Endpoint, {})) unrun.push(`Subscription ${s.Protocol}:${s.Endpoint} (only sqs and lambda subscriptions run)`);
    }
    return { kind: 'run', localName: name, ...(unrun.length ? { partlyNotRun: unrun } : {}) };
  }

  private subscription(c: StackContext, id: string, r: CfnResource): ResourceOutcome {
    const topicArn = c.str(r, 'TopicArn', id) ?? '';
    const topic = targetOfArn(topicArn);
    if (topic.kind !== 'topic') return { kind: 'notRun', reason: `its topic ${topicArn} is not a topic of the app` };
    const protocol = c.str(r, 'Protocol', id) ?? '';
    const endpoint = c.str(r, 'Endpoint', id) ?? '';
    const raw = c.prop(r, 'RawMessageDelivery');
    const filterPolicy = c.prop(r, 'FilterPolicy');
    const scope = c.prop(r, 'FilterPolicyScope');
    const ok = this.addSubscription(topic.name, protocol, endpoint, {
      ...(raw === undefined ? {} : { rawMessageDelivery: raw === true || raw === 'true' }),
      ...(filterPolicy === undefined ? {} : { filterPolicy: typeof filterPolicy === 'string' ? (JSON.parse(filterPolicy) as JsonValue) : filterPolicy }),
    });
    if (!ok) return { kind: 'notRun', reason: `a ${protocol} subscription (only sqs and lambda subscriptions run)` };
    return { kind: 'run', localName: `${topic.name} → ${protocol}`, ...(scope === 'MessageBody' ? { partlyNotRun: ['FilterPolicyScope MessageBody (the filter applies to attributes)'] } : {}) };
  }

  private addSubscription(topic: string, protocol: string, endpoint: string, extra: { rawMessageDelivery?: boolean; filterPolicy?: JsonValue }): boolean {
    const target = targetOfArn(endpoint);
    if (protocol === 'sqs' && target.kind === 'queue') (this.config.subscriptions ??= []).push({ topic, protocol, endpoint: target.name, ...extra });
    else if (protocol === 'lambda' && target.kind === 'function') (this.config.subscriptions ??= []).push({ topic, protocol, endpoint: target.name, ...extra });
    else return false;
    return true;
  }

  private table(c: StackContext, id: string, r: CfnResource): ResourceOutcome {
    const name = c.name(id);
    const schema = (c.prop(r, 'KeySchema') ?? []) as { AttributeName: string; KeyType: string }[];
    const attributes = (c.prop(r, 'AttributeDefinitions') ?? []) as { AttributeName: string; AttributeType: string }[];
    const key = (kind: string): TableKey | undefined => {
      const k = schema.find((s) => s.KeyType === kind);
      if (!k) return undefined;
      const type = attributes.find((a) => a.AttributeName === k.AttributeName)?.AttributeType as TableKey['type'];
      return { name: k.AttributeName, ...(type ? { type } : {}) };
    };
    const partitionKey = key('HASH');
    if (!partitionKey) throw new TemplateError('the table has no HASH key in its KeySchema');
    const sortKey = key('RANGE');
    const table: TableConfig = { name, partitionKey, ...(sortKey ? { sortKey } : {}) };
    (this.config.tables ??= []).push(table);
    const unrun = ['GlobalSecondaryIndexes', 'LocalSecondaryIndexes', 'StreamSpecification', 'TimeToLiveSpecification'].filter((k) => r.Properties?.[k] !== undefined).map((k) => `${k} (tables are created with their key schema only)`);
    return { kind: 'run', localName: name, ...(unrun.length ? { partlyNotRun: unrun } : {}) };
  }

  private function(c: StackContext, id: string, r: CfnResource): ResourceOutcome {
    const runtime = c.str(r, 'Runtime', id);
    if (r.Properties?.PackageType === 'Image' || (r.Properties?.Code as Record<string, JsonValue> | undefined)?.ImageUri !== undefined) return { kind: 'notRun', reason: 'a container image function' };
    if (!runtime?.startsWith('nodejs')) return { kind: 'notRun', reason: `runtime ${runtime ?? '(none)'}: only nodejs functions run locally` };
    const name = c.name(id);
    const module = this.functionModule(c, id, r, name);
    if ('reason' in module) return { kind: 'notRun', reason: module.reason };
    const variables = ((c.prop(r, 'Environment') as { Variables?: Record<string, JsonValue> } | undefined)?.Variables ?? {});
    const environment = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    const timeout = c.num(r, 'Timeout');
    const memorySize = c.num(r, 'MemorySize');
    const reserved = c.num(r, 'ReservedConcurrentExecutions');
    (this.config.functions ??= {})[name] = {
      handler: module.handler,
      ...(timeout === undefined ? {} : { timeout }),
      ...(memorySize === undefined ? {} : { memorySize }),
      ...(Object.keys(environment).length ? { environment } : {}),
      // Lambda's reserved concurrency bounds the instances that run at once, as the local runtime's `concurrency` does
      ...(reserved === undefined || reserved <= 0 ? {} : { concurrency: reserved }),
    };
    const unrun = ['Layers', 'VpcConfig', 'FileSystemConfigs'].filter((k) => r.Properties?.[k] !== undefined).map((k) => `${k} (not applied locally)`);
    return { kind: 'run', localName: name, ...(unrun.length ? { partlyNotRun: unrun } : {}) };
  }

  /**
   * The module a function's Handler names, in its code folder (an asset of the assembly) or its
   * inline ZipFile. A `.js` module without a package.json beside it is CommonJS on Lambda; here it
   * could sit under a `"type": "module"` package (cdk.out inside an ESM project), so its folder is
   * copied with a package.json that says CommonJS.
   */
  private functionModule(c: StackContext, id: string, r: CfnResource, name: string): { handler: string } | { reason: string } {
    const handler = c.str(r, 'Handler', id) ?? 'index.handler';
    const dot = handler.lastIndexOf('.');
    const [base, exported] = dot < 0 ? [handler, 'handler'] : [handler.slice(0, dot), handler.slice(dot + 1)];
    const code = (r.Properties?.Code ?? {}) as Record<string, JsonValue>;
    if (code.ZipFile !== undefined) {
      const source = c.intrinsics.string(code.ZipFile, `${id}.Code.ZipFile`);
      const esm = /^\s*(export|import)\s/m.test(source);
      const path = `functions/${name}/${base}.${esm ? 'mjs' : 'cjs'}`;
      this.out.files.push({ path, content: source });
      return { handler: `${path}#${exported}` };
    }
    const assetPath = r.Metadata?.['aws:asset:path'];
    let folder = typeof assetPath === 'string' ? join(c.stack.dir, assetPath) : undefined;
    if (!folder || !existsSync(folder)) {
      const key = code.S3Key === undefined ? undefined : c.intrinsics.string(code.S3Key, `${id}.Code.S3Key`);
      folder = key === undefined ? undefined : c.stack.assets[key];
      if (!folder) return { reason: `its code (${key ?? 'no S3Key'}) is not an asset of the assembly: only code CDK bundled into cdk.out, or an inline ZipFile, runs locally` };
    }
    const file = ['.js', '.mjs', '.cjs'].map((ext) => `${base}${ext}`).find((f) => existsSync(join(folder, f)));
    if (!file) return { reason: `its handler ${handler} names ${base}.js/.mjs/.cjs, which its code folder ${folder} does not hold` };
    if (file.endsWith('.js') && !existsSync(join(folder, 'package.json'))) {
      const to = `functions/${name}`;
      this.out.copies.push({ from: folder, to, packageJson: '{ "type": "commonjs" }\n' });
      return { handler: `${to}/${file}#${exported}` };
    }
    return { handler: `${join(folder, file)}#${exported}` };
  }

  private eventSourceMapping(c: StackContext, id: string, r: CfnResource): ResourceOutcome {
    const source = c.str(r, 'EventSourceArn', id);
    const target = source === undefined ? undefined : targetOfArn(source);
    if (target?.kind !== 'queue') return { kind: 'notRun', reason: `its source ${source ?? '(none)'} is not an SQS queue of the app (only SQS mappings run)` };
    const fn = c.str(r, 'FunctionName', id) ?? '';
    const fnTarget = targetOfArn(fn);
    const functionName = fnTarget.kind === 'function' ? fnTarget.name : fn.split(':')[0];
    const batchSize = c.num(r, 'BatchSize');
    const window = c.num(r, 'MaximumBatchingWindowInSeconds');
    const enabled = c.prop(r, 'Enabled');
    const responseTypes = (c.prop(r, 'FunctionResponseTypes') ?? []) as string[];
    (this.config.eventSourceMappings ??= []).push({
      queue: target.name,
      function: functionName,
      ...(batchSize === undefined ? {} : { batchSize }),
      ...(window === undefined ? {} : { maximumBatchingWindowSeconds: window }),
      ...(enabled === undefined ? {} : { enabled: enabled === true || enabled === 'true' }),
      ...(responseTypes.includes('ReportBatchItemFailures') ? { reportBatchItemFailures: true } : {}),
    });
    return { kind: 'run', localName: `${target.name} → ${functionName}` };
  }

  private rule(c: StackContext, id: string, r: CfnResource): ResourceOutcome {
    const name = c.name(id);
    const state = c.str(r, 'State', id);
    if (state === 'DISABLED') return { kind: 'notRun', reason: 'its State is DISABLED' };
    const bus = c.str(r, 'EventBusName', id);
    if (bus !== undefined && bus !== 'default') return { kind: 'notRun', reason: `it is on the event bus ${bus} (only the default bus runs locally)` };
    const eventPattern = c.prop(r, 'EventPattern');
    const scheduleExpression = c.str(r, 'ScheduleExpression', id);
    const targets = (c.prop(r, 'Targets') ?? []) as { Id: string; Arn: string; Input?: string; InputPath?: string; InputTransformer?: JsonValue }[];
    const unrun: string[] = [];
    const running: StackRule[] = [];
    for (const t of targets) {
      const target = targetOfArn(t.Arn);
      const what = `target ${t.Id} (${t.Arn})`;
      if (target.kind !== 'stateMachine' && target.kind !== 'function' && target.kind !== 'queue') unrun.push(`${what}: a ${target.kind === 'other' ? 'target' : `${target.kind} target`} (local rules start state machines, invoke functions and send to queues)`);
      else {
        running.push({
          name: targets.length === 1 ? name : `${name}.${t.Id}`.slice(0, 64),
          ...(eventPattern === undefined ? {} : { eventPattern: (typeof eventPattern === 'string' ? JSON.parse(eventPattern) : eventPattern) as StackRule['eventPattern'] }),
          ...(scheduleExpression === undefined ? {} : { scheduleExpression }),
          [target.kind]: target.name,
          ...(t.Input === undefined ? {} : { input: JSON.parse(t.Input) as JsonValue }),
          ...(t.InputPath === undefined ? {} : { inputPath: t.InputPath }),
          ...(t.InputTransformer === undefined ? {} : { inputTransformer: t.InputTransformer as unknown as InputTransformer }),
        });
      }
    }
    if (running.length === 0) return { kind: 'notRun', reason: unrun.length ? unrun.join('; ') : 'it has no targets' };
    (this.config.rules ??= []).push(...running);
    return { kind: 'run', localName: name, ...(unrun.length ? { partlyNotRun: unrun } : {}) };
  }

  private schedule(c: StackContext, id: string, r: CfnResource): ResourceOutcome {
    const name = c.name(id);
    const target = (c.prop(r, 'Target') ?? {}) as { Arn?: string; Input?: string };
    const to = targetOfArn(target.Arn ?? '');
    if (to.kind !== 'stateMachine' && to.kind !== 'function') return { kind: 'notRun', reason: `its target ${target.Arn ?? '(none)'} is neither a state machine nor a function of the app` };
    const timezone = c.str(r, 'ScheduleExpressionTimezone', id);
    const state = c.str(r, 'State', id);
    const group = c.str(r, 'GroupName', id);
    (this.config.schedules ??= []).push({
      name,
      expression: c.str(r, 'ScheduleExpression', id) ?? '',
      ...(timezone === undefined ? {} : { timezone }),
      ...(state === 'ENABLED' || state === 'DISABLED' ? { state } : {}),
      [to.kind]: to.name,
      ...(target.Input === undefined ? {} : { input: parseMaybeJson(target.Input) }),
    });
    const unrun = ['StartDate', 'EndDate', 'FlexibleTimeWindow'].filter((k) => k !== 'FlexibleTimeWindow' ? r.Properties?.[k] !== undefined : (c.prop(r, k) as { Mode?: string } | undefined)?.Mode === 'FLEXIBLE').map((k) => `${k} (not applied locally)`);
    if (group !== undefined && group !== 'default') unrun.push(`GroupName ${group} (schedules run in one group locally)`);
    return { kind: 'run', localName: name, ...(unrun.length ? { partlyNotRun: unrun } : {}) };
  }

  private httpApi(c: StackContext, id: string, r: CfnResource): ResourceOutcome {
    const protocol = c.str(r, 'ProtocolType', id);
    if (protocol !== 'HTTP') return { kind: 'notRun', reason: `a ${protocol ?? 'WEBSOCKET'} API (only HTTP APIs run)` };
    if (r.Properties?.Body !== undefined || r.Properties?.BodyS3Location !== undefined) return { kind: 'notRun', reason: 'an API defined by an OpenAPI Body (only Route resources and quick-create Target run)' };
    const name = c.name(id);
    const api: HttpApiConfig = { name, routes: [] };
    const quickTarget = c.str(r, 'Target', id);
    if (quickTarget !== undefined) {
      const fn = targetOfArn(quickTarget);
      if (fn.kind === 'function') api.routes.push({ route: c.str(r, 'RouteKey', id) ?? '$default', function: fn.name });
    }
    this.apis.set(`${c.stack.artifactId}/${name}`, api);
    (this.config.httpApis ??= []).push(api);
    return { kind: 'run', localName: name };
  }

  private integration(c: StackContext, id: string, r: CfnResource): ResourceOutcome {
    const type = c.str(r, 'IntegrationType', id);
    const uri = c.str(r, 'IntegrationUri', id) ?? '';
    if (type !== 'AWS_PROXY' || targetOfArn(uri).kind !== 'function') return { kind: 'notRun', reason: `a ${type ?? ''} integration (only Lambda proxy integrations run)` };
    return { kind: 'run', localName: `→ ${(targetOfArn(uri) as { name: string }).name}` };
  }

  private route(c: StackContext, id: string, r: CfnResource): ResourceOutcome {
    const apiName = c.str(r, 'ApiId', id) ?? '';
    const api = this.apis.get(`${c.stack.artifactId}/${apiName}`);
    const routeKey = c.str(r, 'RouteKey', id) ?? '';
    if (!api) return { kind: 'notRun', reason: `its API ${apiName} does not run locally` };
    const target = c.str(r, 'Target', id) ?? '';
    const integrationId = target.replace(/^integrations\//, '');
    const integration = c.stack.template.Resources?.[integrationId];
    const uri = integration ? c.str(integration, 'IntegrationUri', integrationId) : undefined;
    const fn = uri === undefined ? undefined : targetOfArn(uri);
    if (integration?.Properties?.IntegrationType !== 'AWS_PROXY' || fn?.kind !== 'function') return { kind: 'notRun', reason: `its target ${target || '(none)'} is not a Lambda proxy integration` };
    api.routes.push({ route: routeKey, function: fn.name });
    const authorization = c.str(r, 'AuthorizationType', id);
    return { kind: 'run', localName: `${api.name} ${routeKey}`, ...(authorization !== undefined && authorization !== 'NONE' ? { partlyNotRun: [`AuthorizationType ${authorization} (routes are open locally)`] } : {}) };
  }

  private secret(c: StackContext, id: string, r: CfnResource): ResourceOutcome {
    const name = c.name(id);
    const description = c.str(r, 'Description', id);
    (this.config.secrets ??= []).push({ name, ...(description === undefined ? {} : { description }) });
    return { kind: 'run', localName: name };
  }

  private stateMachine(c: StackContext, id: string, r: CfnResource): ResourceOutcome {
    const name = c.name(id);
    const substitutions: Record<string, string> = {};
    for (const [k, v] of Object.entries((c.prop(r, 'DefinitionSubstitutions') ?? {}) as Record<string, JsonValue>)) substitutions[k] = typeof v === 'string' ? v : JSON.stringify(v);
    let definitionFile: string;
    const location = c.prop(r, 'DefinitionS3Location') as { Key?: string } | undefined;
    if (location !== undefined) {
      const file = location.Key === undefined ? undefined : c.stack.assets[location.Key];
      if (!file) return { kind: 'notRun', reason: `its DefinitionS3Location ${location.Key ?? ''} is not an asset of the assembly` };
      definitionFile = file;
    } else {
      const definition = r.Properties?.Definition !== undefined ? JSON.stringify(c.prop(r, 'Definition')) : c.str(r, 'DefinitionString', id);
      if (definition === undefined) return { kind: 'notRun', reason: 'it has no Definition, DefinitionString or DefinitionS3Location' };
      // the stack fills references ({{queue:..}}) in substitutions only: move each one into one
      let n = 0;
      const text = definition.replace(/\{\{[^}]+\}\}/g, (ref) => {
        const key = `LonghaulRef${n++}`;
        substitutions[key] = ref;
        return `\${${key}}`;
      });
      definitionFile = `definitions/${name}.asl.json`;
      this.out.files.push({ path: definitionFile, content: text });
    }
    const type = c.str(r, 'StateMachineType', id);
    const roleArn = c.str(r, 'RoleArn', id);
    const sm: StackStateMachine = {
      name,
      definitionFile,
      ...(Object.keys(substitutions).length ? { substitutions } : {}),
      ...(roleArn === undefined ? {} : { roleArn }),
      ...(type === 'EXPRESS' || type === 'STANDARD' ? { type } : {}),
    };
    (this.config.stateMachines ??= []).push(sm);
    return { kind: 'run', localName: name };
  }
}

/**
 * HTTP API names more than one API of the app has. An API's name is no identifier on AWS (CDK names
 * every HttpApi after its construct, often `Api`); locally it is, so those APIs get generated names.
 */
function sharedApiNames(stacks: readonly AppStack[]): Set<string> {
  const seen = new Set<string>();
  const shared = new Set<string>();
  for (const s of stacks) {
    for (const r of Object.values(s.template.Resources ?? {})) {
      const name = r.Type === 'AWS::ApiGatewayV2::Api' ? r.Properties?.Name : undefined;
      if (typeof name !== 'string') continue;
      if (seen.has(name)) shared.add(name);
      seen.add(name);
    }
  }
  return shared;
}

function parseMaybeJson(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

