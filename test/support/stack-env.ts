/**
 * The whole local stack for a test, on a virtual clock, so a 40-minute ETL job ends in about a
 * second of real time. Two modes:
 *
 * - `app`: the project's CDK app (infra/, synthesized once per change of its sources) with
 *   longhaul.config.json's overlay, as `longhaul serve --app` runs it — the deployed path
 *   (S3 → rule → trigger queue → start-from-s3, the callback route as an HTTP API and a Lambda
 *   function), its resources named by CloudFormation's rules;
 * - `config`: a hand-written stack config (test/e2e/fixtures/hand-wired: report-etl and
 *   queue-drain from asl/, the real handlers, the local callback receiver), for the local-stack
 *   feature tests that change the config itself.
 *
 * Tests name things as the hand-wired config does (`reports`, `report-etl`, `notify`); `names` maps
 * them to what the stack calls them. Clients are the real AWS SDK clients pointed at the stack.
 */
import { afterAll, beforeAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { VirtualScheduler } from '../../engine/runtime/clock.ts';
import { collectEngine } from '../../engine/coverage/collect.ts';
import type { HistoryEvent } from '../../engine/history/events.ts';
import type { ExecutionOutcome } from '../../engine/runtime/interpreter.ts';
import { readStackConfig, startLocalStack, type LocalStack, type StackConfig, type StackOptions } from '../../local/stack.ts';
import { LocalClients, localClientConfig } from '../../local/services/clients.ts';
import type { ObjectCreated } from '../../local/services/local-services.ts';
import { startCloudApp } from '../../local/cloudformation/run.ts';
import { readAppOverlay } from '../../local/cloudformation/overlay.ts';
import type { MappedApp } from '../../local/cloudformation/map-resources.ts';
import { START_MS } from './engine-env.ts';
import { projectApp, SYNTH_TIMEOUT_MS } from './project-app.ts';

export const PROJECT_CONFIG = fileURLToPath(new URL('../../longhaul.config.json', import.meta.url));
/** The project's system wired by hand, as a stack config without an app: the `config` mode's stack. */
export const HAND_WIRED_CONFIG = fileURLToPath(new URL('../e2e/fixtures/hand-wired/longhaul.config.json', import.meta.url));

/** A 40-minute job: upload processed after a minute, heartbeats every minute. */
export const FORTY_MINUTES = { uploadSeconds: 60, jobSeconds: 40 * 60, heartbeatSeconds: 60 } as const;

/** What a whole-stack test runs: the synthesized CDK app with the overlay, or the hand-written config. */
export type StackMode = 'app' | 'config';

/** The kinds of resource a test names by their longhaul.config.json names. */
export type NamedKind = 'bucket' | 'queue' | 'function' | 'stateMachine' | 'httpApi';

/**
 * Where each resource longhaul.config.json names lives in the app: its stack and its CDK
 * construct path (the logical id without CDK's hash).
 */
const APP_RESOURCES: Record<NamedKind, Record<string, [stack: string, constructPath: string]>> = {
  bucket: { reports: ['longhaul-report-etl', 'Reports'] },
  queue: { 'drain-queue': ['longhaul-queue-drain', 'Queue'] },
  function: {
    'start-from-s3': ['longhaul-report-etl', 'StartFromS3Function'],
    'upload-report': ['longhaul-report-etl', 'UploadReportFunction'],
    'start-etl-job': ['longhaul-report-etl', 'StartEtlJobFunction'],
    'check-etl-job': ['longhaul-report-etl', 'CheckEtlJobFunction'],
    notify: ['longhaul-report-etl', 'NotifyFunction'],
    'start-on-schedule': ['longhaul-nightly-export', 'ScheduleStarterFunction'],
    'process-batch': ['longhaul-queue-drain', 'ProcessBatchFunction'],
  },
  stateMachine: {
    'report-etl': ['longhaul-report-etl', 'WorkflowStateMachine'],
    'queue-drain': ['longhaul-queue-drain', 'WorkflowStateMachine'],
    'nightly-export': ['longhaul-nightly-export', 'WorkflowStateMachine'],
  },
  httpApi: { callbacks: ['longhaul-report-etl', 'CallbacksApi'] },
};

/** The stack's name for a resource the config names `name` (the same name in config mode). */
export type LocalNames = (kind: NamedKind, name: string) => string;

function appNames(app: MappedApp): LocalNames {
  return (kind, name) => {
    const where = APP_RESOURCES[kind][name];
    const found = where && app.resources.find((r) => r.stack === where[0] && r.logicalId.replace(/[0-9A-F]{8}$/, '') === where[1] && r.outcome.kind === 'run');
    if (!found) throw new Error(`the app has no ${kind} that longhaul.config.json calls ${name}`);
    return (found.outcome as { localName: string }).localName;
  };
}

export interface StackEnv {
  mode: StackMode;
  stack: LocalStack;
  /** the stack's name for what longhaul.config.json calls `name` */
  names: LocalNames;
  /** the ARN of the state machine the config calls `name` */
  stateMachineArn(name: string): string;
  /** the base URL the BI webhooks are sent to (`CallbackBaseUrl`) */
  callbacksUrl: string;
  /** the recipients of notify's e-mails, as the stack configures them */
  notifyRecipients: string[];
  scheduler: VirtualScheduler;
  sfn: SFNClient;
  s3: S3Client;
  sqs: SQSClient;
  /** virtual milliseconds since the environment started */
  elapsedMs(): number;
  /**
   * Puts an object into the reports bucket and answers the execution the upload started (through
   * the S3 event → rule → start-from-s3 path), with the object-created announcement.
   */
  upload(key: string, body?: string): Promise<{ executionArn: string; created: ObjectCreated }>;
  /** Waits for an execution's end; answers its outcome and history. */
  finish(executionArn: string): Promise<{ outcome: ExecutionOutcome; history: HistoryEvent[] }>;
  /**
   * Runs `act` once, the first time the stack is idle (everything waits on the clock) and `when`
   * holds; the clock does not move while `act` runs.
   */
  onceIdle(when: () => boolean, act: () => Promise<void> | void): Promise<void>;
  /** the e-mails in the outbox whose subject mentions `text` */
  emails(text: string): { subject: string; text: string; to: string[] }[];
}

/**
 * Whole-stack environments, stopped after the test file.
 *
 * @example
 * const stacks = localStacks();
 * it('...', async () => { const env = await stacks({ bi: { timings: FORTY_MINUTES } }); ... });
 */
export function localStacks(mode: StackMode = 'config'): (opts?: Omit<StackOptions, 'config' | 'configDir' | 'scheduler'> & { config?: (c: StackConfig, names: LocalNames) => StackConfig }) => Promise<StackEnv> {
  const open: (() => Promise<void>)[] = [];
  let app: string | undefined;
  // synthesized before the file's tests (and their timeouts) start; cached across files and runs
  if (mode === 'app') beforeAll(() => {
    app = projectApp();
  }, SYNTH_TIMEOUT_MS);
  afterAll(async () => {
    for (const stop of open.splice(0)) await stop();
  });
  return async (opts = {}) => {
    const scheduler = new VirtualScheduler(START_MS);
    // the handlers' logs are noise in a passing run (process.env.LONGHAUL_TEST_LOGS shows them)
    const onLambdaLog = process.env.LONGHAUL_TEST_LOGS ? undefined : () => {};
    // as Step Functions Local, a mock file may come from SFN_MOCK_CONFIG
    const envMock = process.env.SFN_MOCK_CONFIG ? resolve(process.env.SFN_MOCK_CONFIG) : undefined;
    let stack: LocalStack;
    let names: LocalNames = (_kind, name) => name;
    let config: StackConfig;
    let cleanUp = () => {};
    if (mode === 'app') {
      const { config: change, ...rest } = opts;
      const { overlay } = readAppOverlay(PROJECT_CONFIG);
      const workDir = mkdtempSync(join(tmpdir(), 'longhaul-stack-app-'));
      cleanUp = () => rmSync(workDir, { recursive: true, force: true });
      const started = await startCloudApp({
        onLambdaLog, ...rest, app: app ?? projectApp(), overlay, workDir, scheduler,
        ...(envMock && !overlay.mockConfig ? { mockConfig: envMock } : {}),
        ...(change ? { adjust: (c: StackConfig, mapped: MappedApp) => change(c, appNames(mapped)) } : {}),
      });
      stack = started.stack;
      config = started.config;
      names = appNames(started.app);
    } else {
      const { config: base, configDir } = readStackConfig(HAND_WIRED_CONFIG);
      config = opts.config ? opts.config(base, names) : base;
      if (envMock && !config.mockConfig) config = { ...config, mockConfig: envMock };
      stack = await startLocalStack({ onLambdaLog, ...opts, config, configDir, scheduler });
    }
    const clients = new LocalClients(stack.services.endpoint);
    const s3 = clients.s3(stack.engine.region);
    const sqs = clients.sqs(stack.engine.region);
    const sfn = new SFNClient(localClientConfig(stack.api.url, stack.engine.region));
    open.push(async () => {
      scheduler.onIdle = undefined;
      // the project's own workflows: their coverage is reported at the end of the run
      collectEngine(stack.engine);
      sfn.destroy();
      clients.destroy();
      await stack.stop();
      cleanUp();
    });
    const stateMachineArn = (name: string) => {
      const arn = stack.stateMachines[names('stateMachine', name)];
      if (!arn) throw new Error(`the stack has no state machine ${names('stateMachine', name)}`);
      return arn;
    };
    return {
      mode, stack, names, stateMachineArn, scheduler, sfn, s3, sqs,
      callbacksUrl: mode === 'app' ? stack.httpApis[names('httpApi', 'callbacks')].url : stack.callbacks.url,
      get notifyRecipients() {
        const to = config.functions?.[names('function', 'notify')]?.environment?.EMAIL_TO;
        if (!to) throw new Error('the stack\'s notify function has no EMAIL_TO');
        return to.split(',').map((a) => a.trim());
      },
      elapsedMs: () => scheduler.now() - START_MS,
      async upload(key, body = 'region,revenue\nemea,100\n') {
        const reportEtl = stateMachineArn('report-etl');
        const reports = names('bucket', 'reports');
        let created: ObjectCreated | undefined;
        const stop = stack.services.onObjectCreated((o) => {
          if (o.key === key) created = o;
        });
        try {
          await s3.send(new PutObjectCommand({ Bucket: reports, Key: key, Body: body }));
        } finally {
          stop();
        }
        await stack.rules.settled();
        const startedBy = () => stack.engine.listExecutions({ stateMachineArn: reportEtl }).filter((e) => (JSON.parse(e.input) as { key?: string }).key === key);
        // in the app, the rule sends the event to a queue that start-from-s3 polls: the start comes a poll later
        for (const until = Date.now() + 10_000; mode === 'app' && startedBy().length === 0 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 5));
        const started = startedBy();
        if (started.length !== 1 || !created) throw new Error(`the upload of ${key} started ${started.length} executions`);
        return { executionArn: started[0].arn, created };
      },
      async finish(executionArn) {
        const outcome = await stack.engine.waitFor(executionArn);
        return { outcome, history: stack.engine.history(executionArn) };
      },
      onceIdle(when, act) {
        return new Promise<void>((resolve, reject) => {
          const previous = scheduler.onIdle;
          scheduler.onIdle = () => {
            if (previous?.()) return true;
            if (!when()) return false;
            scheduler.onIdle = previous;
            const done = scheduler.beginWork();
            Promise.resolve()
              .then(act)
              .then(resolve, reject)
              .finally(done);
            return true;
          };
        });
      },
      emails(text) {
        return stack.outbox
          .list({ channel: 'email' })
          .map((e) => {
            const m = e.message as { Content: { Simple: { Subject: { Data: string }; Body: { Text: { Data: string } } } }; Destination: { ToAddresses: string[] } };
            return { subject: m.Content.Simple.Subject.Data, text: m.Content.Simple.Body.Text.Data, to: m.Destination.ToAddresses };
          })
          .filter((m) => m.subject.includes(text));
      },
    };
  };
}
