/**
 * The whole local stack in one call: the durable engine behind the Step Functions API, S3/SQS/SNS,
 * DynamoDB, SES v2's SendEmail, the Lambda runtime, every local integration, mocked responses, event rules,
 * the BI service simulator and the callback receiver. `longhaul serve` runs it in the foreground;
 * `npm start` and the whole-stack tests start it on free ports.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { Engine } from '../engine/engine.ts';
import { RealScheduler, type Scheduler } from '../engine/runtime/clock.ts';
import { startApiServer, type ApiServer } from '../engine/api/server.ts';
import type { JsonValue } from '../engine/json.ts';
import { LambdaRuntime, type LogLine } from './lambda/runtime.ts';
import type { FunctionConfig } from './lambda/config.ts';
import { startLocalServices, type LocalServices } from './services/local-services.ts';
import { startLocalDynamoDb, type LocalDynamoDb, type TableConfig } from './services/dynamodb.ts';
import { EventsIntegration } from './integrations/events.ts';
import { registerLocalIntegrations } from './integrations/register.ts';
import { Outbox } from './integrations/outbox.ts';
import { loadMockConfig, mockedResponses } from './mocks/mock-config.ts';
import { EventRules, type EventRule } from './triggers/rules.ts';
import { startBiSimulator, type BiFaults, type BiSimulator, type BiTimings } from './bi-simulator/simulator.ts';
import { startCallbackReceiver, type CallbackReceiver } from './callbacks/receiver.ts';
import { engineTaskSender, type TaskSender } from './callbacks/task-sender.ts';
import { localWebhookSecret } from './callbacks/webhook-secret.ts';
import { lockDataFolder } from './data-lock.ts';
import { startSesEndpoint, type SesEndpoint } from './services/ses.ts';
import { LocalClients } from './services/clients.ts';
import { s3MapStorage } from './services/map-s3.ts';
import { resolveAll, resolveRefs, type StackRefs } from './config-refs.ts';
import { functionArn } from './lambda/arn.ts';
import { placeholdersIn, substitute } from '../engine/definition/substitutions.ts';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { createMessaging, type QueueConfig, type SubscriptionConfig } from './services/messaging.ts';
import { QueuePoller, type EventSourceMapping } from './triggers/queue-poller.ts';
import { Schedules, type ScheduleConfig } from './triggers/schedules.ts';
import { startHttpApi, type HttpApi, type HttpApiConfig } from './http/http-apis.ts';
import { startSecretsEndpoint, type SecretConfig, type SecretsEndpoint } from './services/secrets-manager.ts';
import { CreateQueueCommand, SendMessageCommand } from '@aws-sdk/client-sqs';

/** A state machine the config creates (or updates) at start. */
export interface StackStateMachine {
  name: string;
  /** the ASL file, e.g. `asl/report-etl.asl.json` */
  definitionFile: string;
  /**
   * values for the definition's `${Name}` placeholders, as CDK's `definitionSubstitutions`; values
   * may hold references (`{{function:notify}}`, see config-refs.ts). Every placeholder needs one.
   */
  substitutions?: Record<string, string>;
  roleArn?: string;
  type?: 'STANDARD' | 'EXPRESS';
}

/** An event rule; its target is one of the config's state machines or one of its functions. */
export type StackRule = Omit<EventRule, 'stateMachineArn' | 'functionName' | 'queueUrl'> & { stateMachine?: string; function?: string; queue?: string; input?: JsonValue };

/**
 * `longhaul.config.json`: what the stack loads at start. Paths are relative to the file; function
 * environments and substitutions may hold references (`{{function:NAME}}`, `{{queue:NAME}}`,
 * `{{callbacks}}`..., see config-refs.ts).
 */
export interface StackConfig {
  /** Lambda functions by name */
  functions?: Record<string, FunctionConfig>;
  /** S3 buckets created at start (if missing) */
  buckets?: string[];
  /** SQS queues created at start (if missing): a name, or `{ name, fifo, visibilityTimeoutSeconds, deadLetter: { queue, maxReceiveCount } }` */
  queues?: (string | QueueConfig)[];
  /** SNS topics created at start (if missing) */
  topics?: string[];
  /** SNS subscriptions of the config's queues (`sqs`) and functions (`lambda`) to its topics */
  subscriptions?: SubscriptionConfig[];
  /** SQS → Lambda pollers (Lambda event source mappings) */
  eventSourceMappings?: EventSourceMapping[];
  /** EventBridge Scheduler schedules starting one of the state machines or invoking one of the functions */
  schedules?: ScheduleConfig[];
  /** API Gateway HTTP APIs, one server each: `{ "name": "shop", "routes": [{ "route": "GET /items/{id}", "function": "get-item" }] }` */
  httpApis?: HttpApiConfig[];
  /** Secrets Manager secrets; their values come from the local secrets file (StackOptions.secretsFile) */
  secrets?: SecretConfig[];
  /** DynamoDB tables created at start (if missing): `{ "name": "jobs", "partitionKey": { "name": "id", "type": "S" } }` */
  tables?: TableConfig[];
  stateMachines?: StackStateMachine[];
  rules?: StackRule[];
  /** a Step Functions Local MockConfigFile */
  mockConfig?: string;
  /** modules that answer for the services that do not run locally: `{ "glue:startJobRun.sync": "standins/glue-job.mjs" }` */
  standIns?: Record<string, string>;
}

export interface StackOptions {
  /** folder for every durable file (engine.db, services, outbox); absent: all in memory */
  dataDir?: string;
  /** the Step Functions API port (0 or absent: a free one) */
  port?: number;
  /** the S3/SQS/SNS port (0 or absent: a free one) */
  servicesPort?: number;
  /** the DynamoDB port (0 or absent: a free one) */
  dynamodbPort?: number;
  config?: StackConfig;
  /** where the config's relative paths start */
  configDir?: string;
  /** the values of the config's secrets, by name (default `<configDir>/longhaul.secrets.json`; keep it out of git) */
  secretsFile?: string;
  scheduler?: Scheduler;
  /** invoke every Lambda task twice, to prove handlers idempotent */
  duplicateDelivery?: boolean;
  /**
   * executions (ARNs) left as they are instead of resumed: one that takes the process down at every
   * start can be opened, read, stopped and redriven
   */
  quarantine?: readonly string[];
  /** where the functions' log lines go (default: stderr, prefixed with the function name) */
  onLambdaLog?: (line: LogLine) => void;
  /** the BI service simulator and the callback receiver its webhooks go to */
  bi?: { port?: number; callbacksPort?: number; webhookSecret?: string; apiKey?: string; timings?: Partial<BiTimings>; faults?: BiFaults };
}

export interface LocalStack {
  engine: Engine;
  api: ApiServer;
  services: LocalServices;
  /** DynamoDB (dynalite), on its own port */
  dynamodb: LocalDynamoDb;
  lambda: LambdaRuntime;
  rules: EventRules;
  /** EventBridge Scheduler's schedules */
  schedules: Schedules;
  outbox: Outbox;
  /** SES v2 SendEmail for the handlers; it writes to `outbox` */
  ses: SesEndpoint;
  /** Secrets Manager for the handlers (AWS_ENDPOINT_URL_SECRETS_MANAGER) */
  secrets: SecretsEndpoint;
  /** API name → its server (the base URL of its `$default` stage) */
  httpApis: Record<string, HttpApi>;
  bi: BiSimulator;
  callbacks: CallbackReceiver;
  /** state machine name → ARN, for the machines the config created */
  stateMachines: Record<string, string>;
  /** queue name → URL, for the queues the config created */
  queues: Record<string, string>;
  /** topic name → ARN, for the topics the config created */
  topics: Record<string, string>;
  /** how many executions the start resumed */
  resumed: number;
  stop(): Promise<void>;
}

export const LOCAL_ROLE = 'arn:aws:iam::123456789012:role/longhaul-local';

function stateMachineArn(engine: Engine, name: string): string {
  return `arn:aws:states:${engine.region}:${engine.accountId}:stateMachine:${name}`;
}

/** Creates a state machine, or updates it when its definition changed since the last start. */
function putStateMachine(engine: Engine, sm: { name: string; definition: string; roleArn: string; type?: 'STANDARD' | 'EXPRESS' }): string {
  const arn = stateMachineArn(engine, sm.name);
  const existing = engine.listStateMachines().find((m) => m.arn === arn);
  if (!existing) return engine.createStateMachine(sm).arn;
  if (existing.definition !== sm.definition || existing.roleArn !== sm.roleArn) engine.updateStateMachine(arn, { definition: sm.definition, roleArn: sm.roleArn });
  return arn;
}

/** A definition with its placeholders filled from the config, refusing one left without a value. */
function definitionOf(sm: StackStateMachine, base: string, refs: StackRefs): string {
  const text = readFileSync(resolve(base, sm.definitionFile), 'utf8');
  const values = resolveAll(sm.substitutions, refs, `stateMachines[${sm.name}].substitutions`);
  const missing = placeholdersIn(text).filter((p) => !Object.prototype.hasOwnProperty.call(values, p));
  if (missing.length > 0) {
    throw new Error(`state machine ${sm.name}: ${sm.definitionFile} has placeholders the config gives no value for: ${missing.map((m) => `\${${m}}`).join(', ')} (add them to its "substitutions")`);
  }
  return substitute(text, values);
}

/** The ports a data folder's stack listened on, kept so that a restart listens on them again. */
interface StickyPorts {
  /** HTTP API name → port */
  httpApis?: Record<string, number>;
  secrets?: number;
  services?: number;
  dynamodb?: number;
  ses?: number;
  callbacks?: number;
  bi?: number;
}

/**
 * Starts a server on the port asked for, else the one this data folder used before, else a free
 * one. Running executions hold these addresses (queue URLs and the callback URL are in their
 * definitions, callback URLs in the BI service's jobs), so a restarted stack must come back on them.
 */
async function sticky<T>(ports: StickyPorts, name: Exclude<keyof StickyPorts, 'httpApis'>, asked: number | undefined, start: (port: number | undefined) => Promise<T>): Promise<T> {
  const before = ports[name];
  if (asked !== undefined || before === undefined) return start(asked);
  try {
    return await start(before);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    process.emitWarning(`the ${name} port ${before} this data folder used before is taken; running executions that call it will not reach it`);
    return start(undefined);
  }
}

/** Reads a stack config file. */
export function readStackConfig(file: string): { config: StackConfig; configDir: string } {
  const path = resolve(file);
  return { config: JSON.parse(readFileSync(path, 'utf8')) as StackConfig, configDir: dirname(path) };
}

/**
 * Starts the local stack. Executions left running by a previous process on the same data folder
 * resume. Another process holding the data folder is refused with {@link DataFolderLocked}.
 *
 * Start order: the data folder is locked first; the Step Functions API listens only once every
 * integration, function and configured state machine exists (a start it accepts can run), and
 * the saved ports are written only once everything listens. Stop order ({@link LocalStack.stop}):
 * nothing accepts work any more, then the engine halts at its last commit, then the runtimes close
 * — so a task cut short by the stop is not recorded as failed, and runs again on resume as after
 * SIGKILL.
 *
 * @example
 * const stack = await startLocalStack({ dataDir: '.longhaul', port: 8083 });
 * // point @aws-sdk/client-sfn at stack.api.url, S3/SQS/SNS clients at stack.services.endpoint
 * await stack.stop();
 */
export async function startLocalStack(opts: StackOptions = {}): Promise<LocalStack> {
  const stopping = new StopOrder();
  try {
    return await assemble(opts, stopping);
  } catch (e) {
    await stopping.run();
    throw e;
  }
}

/**
 * What a started stack stops, in four groups: what takes work in (servers, triggers); the engine's
 * halt, which freezes every execution at its last commit; what work runs on (runtimes, services),
 * whose closing can no longer fail a task; then the store and the data folder. Each group stops
 * newest first.
 */
class StopOrder {
  private readonly groups = { intake: [] as Closer[], halt: [] as Closer[], runtimes: [] as Closer[], store: [] as Closer[] };
  private stopped: Promise<void> | undefined;

  acceptsWork(close: Closer): void {
    this.groups.intake.push(close);
  }

  haltsEngine(halt: Closer): void {
    this.groups.halt.push(halt);
  }

  runsWork(close: Closer): void {
    this.groups.runtimes.push(close);
  }

  holdsData(close: Closer): void {
    this.groups.store.push(close);
  }

  /** Stops everything once; later calls wait for the same stop. */
  run(): Promise<void> {
    this.stopped ??= (async () => {
      for (const group of [this.groups.intake, this.groups.halt, this.groups.runtimes, this.groups.store]) {
        for (const close of group.splice(0).reverse()) {
          try {
            await close();
          } catch (e) {
            process.emitWarning(`stopping the local stack: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
      }
    })();
    return this.stopped;
  }
}

type Closer = () => unknown;

async function assemble(opts: StackOptions, stopping: StopOrder): Promise<LocalStack> {
  const config = opts.config ?? {};
  const base = opts.configDir ?? process.cwd();
  if (opts.dataDir) {
    const lock = lockDataFolder(opts.dataDir);
    stopping.holdsData(() => lock.release());
  }
  const scheduler = opts.scheduler ?? new RealScheduler();
  const region = 'us-east-1';
  const portsFile = opts.dataDir && join(opts.dataDir, 'ports.json');
  const ports: StickyPorts = portsFile && existsSync(portsFile) ? (JSON.parse(readFileSync(portsFile, 'utf8')) as StickyPorts) : {};
  // the services stop after the engine: a task under way at the stop must not fail against them
  const services = await sticky(ports, 'services', opts.servicesPort, (port) => startLocalServices({ dataDir: opts.dataDir && join(opts.dataDir, 'services'), port, region }));
  stopping.runsWork(() => services.stop());
  const dynamodb = await sticky(ports, 'dynamodb', opts.dynamodbPort, (port) => startLocalDynamoDb({ dataDir: opts.dataDir && join(opts.dataDir, 'dynamodb'), port, region }));
  stopping.runsWork(() => dynamodb.stop());
  await dynamodb.createTables(config.tables ?? []);
  // a Distributed Map's ItemReader and ResultWriter read and write the local S3
  const mapClients = new LocalClients(services.endpoint);
  stopping.runsWork(() => mapClients.destroy());
  const engine = new Engine({
    database: opts.dataDir ? join(opts.dataDir, 'engine.db') : ':memory:', scheduler, region, quarantine: opts.quarantine,
    ...s3MapStorage(mapClients.s3(region)),
  });
  stopping.holdsData(() => engine.close());
  stopping.haltsEngine(() => engine.halt());
  const outbox = new Outbox({ dataDir: opts.dataDir });
  const ses = await sticky(ports, 'ses', undefined, (port) => startSesEndpoint({ outbox, clock: () => scheduler.now(), port }));
  stopping.runsWork(() => ses.stop());
  const secrets = await sticky(ports, 'secrets', undefined, (port) => startSecretsEndpoint({
    secrets: config.secrets ?? [], valuesFile: opts.secretsFile ?? join(base, 'longhaul.secrets.json'), region, accountId: engine.accountId, clock: () => scheduler.now(), port,
  }));
  stopping.runsWork(() => secrets.stop());
  const webhookSecret = opts.bi?.webhookSecret ?? localWebhookSecret(opts.dataDir);
  const biApiKey = opts.bi?.apiKey ?? 'longhaul-local-bi-api-key';
  // webhooks that arrive before the executions they settle have resumed wait for them
  const resumedAll = deferred();
  const callbacks = await sticky(ports, 'callbacks', opts.bi?.callbacksPort, (port) =>
    startCallbackReceiver({ port, secret: webhookSecret, sfn: afterResume(engineTaskSender(engine), resumedAll.promise), clock: () => scheduler.now(), dataDir: opts.dataDir }),
  );
  stopping.acceptsWork(() => callbacks.stop());
  const bi = await sticky(ports, 'bi', opts.bi?.port, (port) =>
    startBiSimulator({ scheduler, port, webhookSecret, apiKey: biApiKey, timings: opts.bi?.timings, faults: opts.bi?.faults, dataDir: opts.dataDir }),
  );
  stopping.acceptsWork(() => bi.stop());

  const clients = new LocalClients(services.endpoint);
  // the pollers use these clients until they stop, before the services do
  stopping.runsWork(() => clients.destroy());
  for (const bucket of config.buckets ?? []) await clients.s3(engine.region).send(new CreateBucketCommand({ Bucket: bucket }));
  const messaging = await createMessaging({
    sqs: clients.sqs(engine.region), sns: clients.sns(engine.region),
    queues: config.queues ?? [], topics: config.topics ?? [], subscriptions: config.subscriptions ?? [], functions: Object.keys(config.functions ?? {}),
  });
  const queues = messaging.queues;
  // the API listens last, but references and functions need its address now: pick its port first
  const apiPort = opts.port || (await freePort());
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  // so do the HTTP APIs, which may call functions that name them; a restart keeps their ports
  const httpApiPorts: Record<string, number> = {};
  for (const api of config.httpApis ?? []) httpApiPorts[api.name] = await freePort(ports.httpApis?.[api.name]);
  const refs: StackRefs = {
    functions: Object.fromEntries(Object.keys(config.functions ?? {}).map((name) => [name, functionArn(name, engine.region, engine.accountId)])),
    stateMachines: Object.fromEntries((config.stateMachines ?? []).map((sm) => [sm.name, stateMachineArn(engine, sm.name)])),
    queues,
    buckets: config.buckets ?? [],
    tables: (config.tables ?? []).map((t) => t.name),
    topics: messaging.topics,
    secrets: secrets.arns,
    httpApis: Object.fromEntries(Object.entries(httpApiPorts).map(([name, port]) => [name, `http://127.0.0.1:${port}`])),
    urls: { callbacks: callbacks.url, bi: bi.url, api: apiUrl, services: services.endpoint, dynamodb: dynamodb.endpoint },
  };

  const functions: Record<string, FunctionConfig> = {};
  for (const [name, fn] of Object.entries(config.functions ?? {})) {
    const [file, exported] = fn.handler.split('#');
    functions[name] = {
      ...fn,
      handler: `${resolve(base, file)}${exported ? `#${exported}` : ''}`,
      // the handlers find the BI service and the callback receiver here, as on AWS through their configuration
      environment: { BI_API_URL: bi.url, BI_API_KEY: biApiKey, BI_WEBHOOK_SECRET: webhookSecret, CALLBACK_BASE_URL: callbacks.url, ...resolveAll(fn.environment, refs, `functions[${name}].environment`) },
    };
  }
  const lambda = new LambdaRuntime({
    functions,
    scheduler,
    region: engine.region,
    accountId: engine.accountId,
    duplicateDelivery: opts.duplicateDelivery,
    onLog: opts.onLambdaLog,
    endpoints: { default: services.endpoint, s3: services.endpoint, sqs: services.endpoint, sns: services.endpoint, dynamodb: dynamodb.endpoint, sfn: apiUrl, sesv2: ses.url, secrets_manager: secrets.url },
  });
  stopping.runsWork(() => lambda.close());
  // registered here, before the Lambda runtime as before, once the API's URL and the runtime exist; the rules come later
  stopping.runsWork(registerLocalIntegrations(engine, {
    endpoint: services.endpoint, dynamodbEndpoint: dynamodb.endpoint, sfnEndpoint: apiUrl, sesv2Endpoint: ses.url, lambda,
    bus: (event) => rules.dispatch(event), outbox, standIns: config.standIns, baseDir: base,
  }));
  engine.integrations.register(lambda);
  if (config.mockConfig) engine.integrations.intercept(mockedResponses(loadMockConfig(resolve(base, config.mockConfig))));

  const stateMachines: Record<string, string> = {};
  for (const sm of config.stateMachines ?? []) {
    stateMachines[sm.name] = putStateMachine(engine, { name: sm.name, definition: definitionOf(sm, base, refs), roleArn: sm.roleArn ?? LOCAL_ROLE, type: sm.type });
  }
  /** the event source mappings' pollers, by queue URL */
  const pollers = new Map<string, QueuePoller[]>();
  const ruleClients = new LocalClients(services.endpoint);
  stopping.runsWork(() => ruleClients.destroy());
  const rules = new EventRules({
    engine,
    invokeFunction: (name, event) => lambda.invoke(name, event),
    sendToQueue: async (queueUrl, body, ids) => {
      const fifo = queueUrl.endsWith('.fifo') ? { MessageGroupId: ids.groupId, MessageDeduplicationId: ids.deduplicationId } : {};
      await ruleClients.sqs(engine.region).send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, ...fifo }));
      // a poller idling on a virtual clock would see it only at the end of its wait
      for (const poller of pollers.get(queueUrl) ?? []) poller.wake();
    },
  });
  for (const { stateMachine, function: functionName, queue, ...rule } of config.rules ?? []) {
    if (queue !== undefined && !queues[queue]) throw new Error(`rule ${rule.name} names the queue ${queue}, which the config does not create`);
    if (stateMachine !== undefined && !stateMachines[stateMachine]) throw new Error(`rule ${rule.name} names the state machine ${stateMachine}, which the config does not create`);
    if (functionName !== undefined && !functions[functionName]) throw new Error(`rule ${rule.name} names the function ${functionName}, which the config does not define`);
    rules.put({ ...rule, stateMachineArn: stateMachine === undefined ? undefined : stateMachines[stateMachine], functionName, queueUrl: queue === undefined ? undefined : queues[queue] });
  }
  stopping.acceptsWork(() => rules.close());
  stopping.acceptsWork(rules.connectS3(services));
  // the default event bus: what workflows put, and Step Functions' own execution status changes
  engine.integrations.register(new EventsIntegration({ scheduler, account: engine.accountId, bus: (event) => rules.dispatch(event) }));
  stopping.acceptsWork(rules.connectExecutions());
  const invokeAsync = (name: string, event: JsonValue) => lambda.invoke(name, event);
  for (const mapping of config.eventSourceMappings ?? []) {
    const queue = messaging.polled[mapping.queue];
    if (!queue) throw new Error(`an event source mapping names the queue ${mapping.queue}, which the config does not create`);
    if (!functions[mapping.function]) throw new Error(`an event source mapping names the function ${mapping.function}, which the config does not define`);
    const poller = new QueuePoller({ mapping, queue, sqs: clients.sqs(engine.region), scheduler, region: engine.region, invoke: invokeAsync });
    pollers.set(queue.url, [...(pollers.get(queue.url) ?? []), poller]);
    poller.start();
    stopping.acceptsWork(() => poller.close());
  }
  const schedules = new Schedules({ engine, invokeFunction: (name, event) => lambda.invoke(name, event, { invocationType: 'Event' }) });
  stopping.acceptsWork(() => schedules.close());
  for (const { stateMachine, ...schedule } of config.schedules ?? []) {
    if (stateMachine !== undefined && !stateMachines[stateMachine]) throw new Error(`schedule ${schedule.name} names the state machine ${stateMachine}, which the config does not create`);
    if (schedule.function !== undefined && !functions[schedule.function]) throw new Error(`schedule ${schedule.name} names the function ${schedule.function}, which the config does not define`);
    schedules.put({ ...schedule, stateMachineArn: stateMachine === undefined ? undefined : stateMachines[stateMachine] });
  }
  for (const sub of messaging.lambdaSubscriptions) {
    const poller = new QueuePoller({ mapping: { queue: sub.queue.url, function: sub.function }, queue: sub.queue, sqs: clients.sqs(engine.region), scheduler, region: engine.region, invoke: invokeAsync, shape: 'sns' });
    poller.start();
    stopping.acceptsWork(() => poller.close());
  }

  const httpApis: Record<string, HttpApi> = {};
  for (const api of config.httpApis ?? []) {
    for (const r of api.routes) if (!functions[r.function]) throw new Error(`HTTP API ${api.name}'s route ${r.route} names the function ${r.function}, which the config does not define`);
    httpApis[api.name] = await listenOnce(`the HTTP API ${api.name}`, httpApiPorts[api.name], (port) =>
      startHttpApi({ api, port, invoke: (name, event) => lambda.invoke(name, event), clock: () => scheduler.now(), region: engine.region, accountId: engine.accountId }));
    stopping.acceptsWork(() => httpApis[api.name].stop());
  }

  // everything a request can reach exists: the API may listen (the console reads the outbox through it)
  const api = await listenOnce('the Step Functions API', apiPort, (port) => startApiServer({ engine, port, outbox }));
  stopping.acceptsWork(() => api.close());
  const resumed = engine.resumeAll();
  resumedAll.resolve();
  if (portsFile) {
    const now: StickyPorts = {
      httpApis: Object.fromEntries(Object.entries(httpApis).map(([name, a]) => [name, Number(new URL(a.url).port)])), secrets: Number(new URL(secrets.url).port),
      services: Number(new URL(services.endpoint).port), dynamodb: dynamodb.port, ses: Number(new URL(ses.url).port), callbacks: Number(new URL(callbacks.url).port), bi: Number(new URL(bi.url).port) };
    writeFileSync(portsFile, `${JSON.stringify(now)}\n`);
  }
  return { engine, api, services, dynamodb, lambda, rules, schedules, outbox, ses, secrets, httpApis, bi, callbacks, stateMachines, queues, topics: messaging.topics, resumed, stop: () => stopping.run() };
}

/** A port free on 127.0.0.1 now (`wanted` when it is), for a server that listens later. */
function freePort(wanted?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => (wanted !== undefined && e.code === 'EADDRINUSE' ? freePort().then(resolve, reject) : reject(e)));
    probe.listen(wanted ?? 0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A TaskSender whose calls wait until `ready` (the stack's executions have resumed). */
function afterResume(sender: TaskSender, ready: Promise<void>): TaskSender {
  return {
    sendTaskSuccess: async (token, output) => ready.then(() => sender.sendTaskSuccess(token, output)),
    sendTaskFailure: async (token, error, cause) => ready.then(() => sender.sendTaskFailure(token, error, cause)),
    sendTaskHeartbeat: async (token) => ready.then(() => sender.sendTaskHeartbeat(token)),
  };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Starts a server on `port`, turning a taken port into one line that says which and what to do. */
async function listenOnce<T>(what: string, port: number, start: (port: number) => Promise<T>): Promise<T> {
  try {
    return await start(port);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUse(what, port);
    throw e;
  }
}

/** A port the stack was asked to listen on is taken by another program. */
export class PortInUse extends Error {
  constructor(what: string, port: number) {
    super(`${what} cannot listen on 127.0.0.1:${port}: another program uses that port (choose another with --port)`);
    this.name = 'PortInUse';
  }
}
