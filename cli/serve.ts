/** `longhaul serve`: the local stack in the foreground until SIGINT or SIGTERM. */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readStackConfig, startLocalStack, type LocalStack, type StackConfig } from '../local/stack.ts';
import { endpointsFile, type Endpoints } from './remote.ts';
import { installLastResortGuard } from '../local/last-resort.ts';
import { describeResources, startCloudApp } from '../local/cloudformation/run.ts';
import { readAppOverlay, type AppOverlay } from '../local/cloudformation/overlay.ts';
import { ensureSynthesized } from './synth.ts';

/** the project's stack config, used when `--config` is not given */
export const DEFAULT_CONFIG = 'longhaul.config.json';

/**
 * Whether `folder` holds a CDK app of this project's layout (cdk.json and infra/): `serve` and
 * `npm start` then run the app as synthesized, and longhaul.config.json gives only its overlay.
 */
export function isProjectApp(folder: string = process.cwd()): boolean {
  return existsSync(resolve(folder, 'cdk.json')) && existsSync(resolve(folder, 'infra'));
}

/**
 * The cloud assembly of the project's app in `folder` (its `cdk.out`), synthesized first when it
 * is missing or stale; `say` gets the one line that says so.
 */
export function projectAssembly(folder: string = process.cwd(), say: (line: string) => void = (line) => console.log(line)): string {
  return ensureSynthesized('cdk.out', say, resolve(folder));
}

export interface ServeOptions {
  port: string;
  data: string;
  servicesPort?: string;
  config?: string;
  duplicateDelivery?: boolean;
  /** a Step Functions Local MockConfigFile; it replaces the config's `mockConfig` */
  mockConfig?: string;
  quarantine?: string[];
  /** a synthesized CDK app (cdk.out) to run instead of a stack config */
  app?: string;
  /** a plain CloudFormation template (JSON) to run instead of a stack config */
  template?: string;
  /** the templates' parameters: `Name=value` */
  parameter?: string[];
}

/**
 * One line per resource kind the config declares beyond functions and state machines, so the
 * developer sees what runs and where: queues, topics, subscriptions, pollers, schedules, HTTP APIs
 * (with their URLs) and secrets (with the endpoint the handlers reach).
 */
export function resourceLines(config: StackConfig, stack: Pick<LocalStack, 'httpApis' | 'secrets'>): string[] {
  const name = (q: string | { name: string }) => (typeof q === 'string' ? q : q.name);
  const kinds: [string, string[]][] = [
    ['queues', (config.queues ?? []).map((q) => (typeof q !== 'string' && q.deadLetter ? `${q.name} (DLQ ${q.deadLetter.queue} after ${q.deadLetter.maxReceiveCount})` : name(q)))],
    ['topics', config.topics ?? []],
    ['subscriptions', (config.subscriptions ?? []).map((s) => `${s.topic} → ${s.protocol}:${s.endpoint}${s.filterPolicy ? ' (filtered)' : ''}`)],
    ['event sources', (config.eventSourceMappings ?? []).map((m) => `${m.queue} → ${m.function}${m.enabled === false ? ' (disabled)' : ''}`)],
    ['schedules', (config.schedules ?? []).map((s) => `${s.name} ${s.expression}${s.timezone ? ` ${s.timezone}` : ''} → ${s.stateMachine ?? s.function}${s.state === 'DISABLED' ? ' (disabled)' : ''}`)],
    ['HTTP APIs', Object.values(stack.httpApis).map((a) => `${a.name} ${a.url}`)],
    ['secrets', (config.secrets ?? []).length ? [`${(config.secrets ?? []).map((s) => s.name).join(', ')} at ${stack.secrets.url}`] : []],
  ];
  return kinds.filter(([, items]) => items.length > 0).map(([kind, items]) => `  ${kind.padEnd(21)}${items.join(', ')}`);
}

export async function serve(opts: ServeOptions): Promise<void> {
  // one defect that slips past every execution's own boundary must not take the stack down
  installLastResortGuard();
  let config: StackConfig = {};
  let configDir: string | undefined;
  // a project with its own CDK app runs the app, with the config's overlay; a `--config` that wires
  // a stack itself (functions, buckets, state machines...) runs that wiring instead, without the app
  const wiresAStack = opts.config !== undefined && readAppOverlay(opts.config).ignoredKeys.length > 0;
  if (opts.app === undefined && opts.template === undefined && !wiresAStack && isProjectApp()) opts = { ...opts, app: projectAssembly() };
  const cloud = opts.app !== undefined || opts.template !== undefined;
  const file = opts.config ?? (existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined);
  // an app brings its own wiring: the config file then gives only what is local by nature (overlay.ts)
  let overlay: AppOverlay = {};
  if (file && cloud) {
    const read = readAppOverlay(file);
    overlay = read.overlay;
    if (read.ignoredKeys.length) console.log(`${file}: its ${read.ignoredKeys.join(', ')} are not used: the app provides them`);
  } else if (file) ({ config, configDir } = readStackConfig(file));
  // as Step Functions Local, the mock file may come from SFN_MOCK_CONFIG
  const mockConfig = opts.mockConfig ?? process.env.SFN_MOCK_CONFIG;
  if (mockConfig) config = { ...config, mockConfig: resolve(mockConfig) };
  const stackOptions = {
    dataDir: opts.data,
    port: Number(opts.port),
    servicesPort: opts.servicesPort === undefined ? undefined : Number(opts.servicesPort),
    duplicateDelivery: opts.duplicateDelivery,
    quarantine: opts.quarantine,
  };
  let stack;
  let outputs: Record<string, Record<string, string>> | undefined;
  if (cloud) {
    const started = await startCloudApp({ ...stackOptions, app: opts.app, template: opts.template, parameters: parameters(opts.parameter), mockConfig: config.mockConfig, overlay });
    stack = started.stack;
    config = started.config;
    outputs = started.app.outputs;
    console.log(`${opts.app ? `CDK app ${opts.app}` : `template ${opts.template}`} (resolved definitions in ${started.workDir})`);
    console.log(describeResources(started.app.resources).join('\n'));
    for (const line of started.unmatched) console.log(`Overlay ${file}: ${line}`);
    console.log('');
  } else {
    stack = await startLocalStack({ ...stackOptions, config, configDir });
  }
  const lines = [
    'Longhaul local stack',
    `  Step Functions API   ${stack.api.url}`,
    `  console              ${stack.api.consoleUrl ?? '(not built: npm run console:build)'}`,
    `  S3 / SQS / SNS       ${stack.services.endpoint}`,
    `  DynamoDB             ${stack.dynamodb.endpoint}`,
    `  BI service           ${stack.bi.url}`,
    `  callbacks            ${stack.callbacks.url}/callbacks`,
    `  Lambda functions     ${stack.lambda.functionNames().join(', ') || '(none)'}`,
    `  state machines       ${Object.keys(stack.stateMachines).join(', ') || '(none)'}`,
    `  stand-ins            ${Object.keys(config.standIns ?? {}).join(', ') || '(none)'}`,
    ...resourceLines(config, stack),
    ...(config.mockConfig ? [`  mock config          ${config.mockConfig} (start executions on stateMachineArn#TestCase)`] : []),
    `  data                 ${opts.data}`,
    `  resumed executions   ${stack.resumed}`,
    ...(opts.quarantine?.length ? [`  quarantined          ${opts.quarantine.join(', ')} (not resumed: read, stop or redrive them)`] : []),
    '',
    `  aws --endpoint-url ${stack.api.url} stepfunctions list-state-machines`,
    'Stop with Ctrl-C.',
  ];
  console.log(lines.join('\n'));
  // the other commands (upload, start, list, show, redrive) find the stack through this file
  const recorded: Endpoints = { api: stack.api.url, services: stack.services.endpoint, uploadBucket: uploadBucketOf(config), buckets: config.buckets ?? [], ...(outputs ? { outputs } : {}) };
  writeFileSync(endpointsFile(opts.data), JSON.stringify(recorded) + '\n');
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        // a second Ctrl-C: the user will not wait; what was committed is kept, as after SIGKILL
        console.log(`\n${signal} again: exiting now (running executions resume at the next start)`);
        process.exit(130);
      }
      stopping = true;
      console.log(`\n${signal}: stopping (running executions resume at the next start; ${signal} again to exit at once)`);
      rmSync(endpointsFile(opts.data), { force: true });
      stack.stop().then(resolve, (e: unknown) => {
        console.error(e);
        resolve();
      });
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

/**
 * The bucket uploads go to: the one bucket the config's S3 rules watch (the app's reports bucket,
 * whatever name the app gives it), or none when no rule or several buckets are watched.
 */
export function uploadBucketOf(config: StackConfig): string | undefined {
  const watched = new Set<string>();
  for (const rule of config.rules ?? []) {
    const pattern = rule.eventPattern as { source?: unknown; detail?: { bucket?: { name?: unknown } } } | undefined;
    const names = pattern?.detail?.bucket?.name;
    if (Array.isArray(pattern?.source) && pattern.source.includes('aws.s3') && Array.isArray(names)) for (const n of names) if (typeof n === 'string') watched.add(n);
  }
  return watched.size === 1 ? [...watched][0] : undefined;
}

/** `--parameter Name=value` options as a map. */
function parameters(given: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of given ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new Error(`--parameter ${p}: expected Name=value`);
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}
